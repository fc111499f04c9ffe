"""Writes the monthly report: one self-contained HTML file and its PDF (printed by chromium)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import jinja2

from dagster_project.report.figures import Section, build_sections
from dagster_project.report.marts import REPORT_MARTS, load_published
from dagster_project.report.suppression import COUNT_THRESHOLD, VICTIM_THRESHOLD
from dagster_project.settings import DEFAULT_PROTECTIVE_MARKING, REPO_ROOT

TEMPLATES_DIR = Path(__file__).parent / "templates"
# Sections link pages of the repository's docs/ as href="docs:<page>"; the written report
# points them at docs/ relative to its own folder, so the links open where it is written.
DOCS_LINK = 'href="docs:'
DOCS_DIR = REPO_ROOT / "docs"
# Debian's chromium (apt package `chromium`); .ci/run installs it.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_TIMEOUT_SECONDS = 120
# Headless in a container: no sandbox (no user namespaces), no GPU, and nothing phoning home.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class ChromiumMissingError(Exception):
    """The PDF cannot be printed without a headless chromium."""


@dataclass(frozen=True)
class Report:
    html_path: Path
    pdf_path: Path
    as_of: date | None
    version_id: str | None
    sections: list[Section]

    @property
    def missing_marts(self) -> list[str]:
        return sorted({name for s in self.sections for name in s.missing})


def css_string(text: str) -> str:
    """A CSS string literal of any text: everything but letters, digits and plain punctuation
    is a CSS escape, so the text cannot close the string or the style element."""
    plain = set(" -_.,:;()/")
    return '"' + "".join(c if c.isalnum() or c in plain else f"\\{ord(c):x} " for c in text) + '"'


def render_html(
    sections: list[Section],
    as_of: date | None,
    version_id: str | None,
    marking: str = DEFAULT_PROTECTIVE_MARKING,
) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("report.html.j2").render(
        sections=sections,
        as_of=as_of,
        version_id=version_id,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        count_threshold=COUNT_THRESHOLD,
        victim_threshold=VICTIM_THRESHOLD,
        marts=REPORT_MARTS,
        marking=marking,
        marking_css=css_string(marking),
    )


def print_pdf(html_path: Path, pdf_path: Path, chromium: Path = CHROMIUM) -> None:
    """Print the HTML to PDF with headless chromium (its own throwaway profile, no network)."""
    if not chromium.is_file():
        raise ChromiumMissingError(
            f"{chromium} not found: the PDF is printed by Debian's chromium "
            "(`apt-get install chromium`; .ci/run installs it)"
        )
    with tempfile.TemporaryDirectory(prefix="iom-chromium-") as profile:
        subprocess.run(
            [
                str(chromium),
                "--headless",
                *CHROMIUM_ARGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_path}",
                html_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=CHROMIUM_TIMEOUT_SECONDS,
        )
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"chromium did not write {pdf_path}")


def write_report(
    data_dir: Path,
    out_dir: Path,
    as_of: date | None = None,
    marking: str = DEFAULT_PROTECTIVE_MARKING,
) -> Report:
    """Render the report from the published marts (as of a date: that published version),
    with the protective marking on every page."""
    marts = load_published(data_dir, as_of)
    sections = build_sections(marts)
    stem = f"iom-performance-report-{marts.as_of or 'unknown'}"
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"
    html = render_html(sections, marts.as_of, marts.version_id, marking)
    docs = Path(os.path.relpath(DOCS_DIR, out_dir.resolve())).as_posix()
    html = html.replace(DOCS_LINK, f'href="{docs}/')
    html_path.write_text(html, encoding="utf-8")
    print_pdf(html_path, pdf_path)
    return Report(html_path, pdf_path, marts.as_of, marts.version_id, sections)
