"""Great Expectations' Data Docs made readable offline, as on a police network.

GX's pages load Bootstrap, jQuery, Font Awesome and bootstrap-table from public CDNs, and the
index builds its table of validation results in JavaScript: offline the index is blank.
GX ships none of those libraries, so instead every external stylesheet, script and image is
dropped, a small stylesheet of our own is inlined, and the index's results (which GX embeds
as data in the page) are written out as a plain HTML table with the same links.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

_EXTERNAL_LINK = re.compile(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE)
_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE
)
_EXTERNAL_IMAGE = re.compile(r"<img\b[^>]*src=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE)
# The index's rows: one line `data: [...],` inside its bootstrapTable({...}) call.
_INDEX_DATA = re.compile(r"^\s*data:\s*(\[.*\]),\s*$", re.MULTILINE)
_TAG = re.compile(r"<[^>]+>")
OFFLINE_MARK = "<!-- iom: offline Data Docs -->"
STYLE = """<style>
body { font-family: sans-serif; margin: 1.5rem; color: #212529; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f1f3f5; }
.iom-failed { color: #b00020; font-weight: bold; }
.cooltip .top, .tooltip-text, .hide-succeeded-validations-column-section { display: none; }
</style>"""


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _results_table(rows: list[dict]) -> str:
    lines = [
        '<table id="iom-validation-results">',
        "<tr><th>Table</th><th>Result</th><th>Run time</th><th>Expectation suite</th></tr>",
    ]
    for row in rows:
        ok = row.get("_validation_success_text") == "Success"
        result = "Success" if ok else '<span class="iom-failed">Failed</span>'
        suite = _text(row.get("expectation_suite_name", ""))
        suite_link = re.search(r'href="([^"]+)"', row.get("expectation_suite_name", ""))
        suite_cell = (
            f'<a href="{html.escape(suite_link.group(1))}">{html.escape(suite)}</a>'
            if suite_link
            else html.escape(suite)
        )
        lines.append(
            f'<tr><td><a href="{html.escape(row["_table_row_link_path"])}">'
            f"{html.escape(str(row.get('asset_name', '')))}</a></td><td>{result}</td>"
            f"<td>{html.escape(str(row.get('run_time', '')))}</td><td>{suite_cell}</td></tr>"
        )
    lines.append("</table>")
    return "\n".join(lines)


def make_offline_page(text: str) -> str:
    """One page without anything from the network; the index gains a static results table."""
    if OFFLINE_MARK in text:
        return text
    table = ""
    match = _INDEX_DATA.search(text)
    if match:
        # GX writes the rows as a Python literal (single quotes), not JSON.
        rows = ast.literal_eval(match.group(1))
        table = "<h2>Validation results</h2>\n" + _results_table(rows)
    for pattern in (_EXTERNAL_LINK, _EXTERNAL_SCRIPT, _EXTERNAL_IMAGE):
        text = pattern.sub("", text)
    text = text.replace("</head>", f"{OFFLINE_MARK}\n{STYLE}\n</head>", 1)
    if table:
        text = re.sub(r"(<body[^>]*>)", lambda m: f"{m.group(1)}\n{table}\n", text, count=1)
    return text


def make_offline(docs_dir: Path) -> int:
    """Rewrite every page of a Data Docs site in place; returns the number of pages."""
    pages = sorted(docs_dir.rglob("*.html"))
    for page in pages:
        page.write_text(make_offline_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    return len(pages)
