"""Every link and file path in README.md and docs/ points at a file inside the repository.

A user's clone holds only the repository, so a link to a folder beside it (or anywhere
outside) is a dead link for them. Checked: inline links `[text](target)`, reference definitions
`[id]: target`, and inline code spans that name a Markdown file or climb with `../`. A
link's `#anchor` must name a heading of the document it points to.
"""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md")])

INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
# A code span that reads as a path to a Markdown document, not a pattern or placeholder.
MARKDOWN_PATH = re.compile(r"^[\w./-]+\.md(#[\w-]*)?$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def _inside_repo(path: Path) -> bool:
    return path == REPO or REPO in path.parents


def targets(text: str) -> list[tuple[str, str]]:
    """(kind, target) of every relative link or path-like code span in a Markdown text."""
    found: list[tuple[str, str]] = []
    unfenced = FENCE.sub("", text)
    for pattern in (INLINE_LINK, REFERENCE_LINK):
        for match in pattern.finditer(unfenced):
            target = match.group(1)
            if not EXTERNAL.match(target) and not target.startswith("#"):
                found.append(("link", target))
    for match in CODE_SPAN.finditer(unfenced):
        span = match.group(1).strip()
        if "../" in span or MARKDOWN_PATH.match(span):
            found.append(("path", span))
    return found


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives a document's headings (lower case, punctuation dropped,
    spaces to hyphens, "-1", "-2" for repeats), plus explicit `<a id>` anchors."""
    unfenced = FENCE.sub("", text)
    found: set[str] = set(HTML_ANCHOR.findall(unfenced))
    seen: dict[str, int] = {}
    for match in HEADING.finditer(unfenced):
        slug = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower()).replace(" ", "-")
        repeat = seen.get(slug, 0)
        seen[slug] = repeat + 1
        found.add(slug if repeat == 0 else f"{slug}-{repeat}")
    return found


def anchor_problems(document: Path, text: str | None = None) -> list[str]:
    """Links of a document whose #anchor names no heading of the document linked to."""
    if text is None:
        text = document.read_text(encoding="utf-8")
    found = []
    for match in INLINE_LINK.finditer(FENCE.sub("", text)):
        target = match.group(1)
        if EXTERNAL.match(target) or "#" not in target:
            continue
        relative, anchor = target.split("#", 1)
        if relative:
            linked = (document.parent / relative).resolve()
            if linked.suffix != ".md" or not linked.is_file() or not _inside_repo(linked):
                continue  # a missing or outside file is reported by problems()
            linked_text = linked.read_text(encoding="utf-8")
        else:
            linked_text = text
        if anchor not in anchors(linked_text):
            found.append(f"{target}: no heading #{anchor}")
    return found


def problems(document: Path, text: str | None = None) -> list[str]:
    """Why each target of a document is not a file inside the repository (empty: all fine)."""
    if text is None:
        text = document.read_text(encoding="utf-8")
    found = []
    for kind, target in targets(text):
        relative = target.split("#", 1)[0]
        if not relative:
            continue
        # Links resolve from the document's folder (as GitHub renders them); code spans in
        # this project name files from the repository root, or from the document's folder.
        bases = [document.parent] if kind == "link" else [REPO, document.parent]
        candidates = [(base / relative).resolve() for base in bases]
        if not any(_inside_repo(path) for path in candidates):
            found.append(f"{target}: points outside the repository")
        elif not any(_inside_repo(path) and path.exists() for path in candidates):
            found.append(f"{target}: no such file in the repository")
    return found


def test_targets_reads_links_and_paths() -> None:
    text = (
        "The contract is in `../contract/feeds.md`; see [ops](docs/operations.md), "
        "[web](https://example.org), [here](#top) and `data/analytics.duckdb`.\n"
        "[ref]: docs/metrics.md\n```sh\ncat ../outside.md\n```\n"
    )
    assert targets(text) == [
        ("link", "docs/operations.md"),
        ("link", "docs/metrics.md"),
        ("path", "../contract/feeds.md"),
    ]


def test_problems_names_links_out_of_and_missing_from_the_repository() -> None:
    # The README of commit ccb531d named the contract by a path of this shape, beside the clone.
    text = (
        "Contract: `../contract/feeds.md`, [up](../elsewhere.md), "
        "[gone](docs/no-such-page.md), [ok](docs/operations.md)."
    )
    assert problems(REPO / "README.md", text) == [
        "../elsewhere.md: points outside the repository",
        "docs/no-such-page.md: no such file in the repository",
        "../contract/feeds.md: points outside the repository",
    ]


def test_anchors_follow_github_headings() -> None:
    text = "# Title\n## `cohort_monthly`: Figure B, per area\n## Title\n```\n# not a heading\n```\n"
    assert anchors(text) == {"title", "cohort_monthly-figure-b-per-area", "title-1"}
    linking = text + "[ok](#title-1), [bad](#not-a-heading)"
    assert anchor_problems(REPO / "docs" / "page.md", linking) == [
        "#not-a-heading: no heading #not-a-heading"
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_link_stays_in_the_repository(document: Path) -> None:
    assert problems(document) == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_anchor_names_a_heading(document: Path) -> None:
    assert anchor_problems(document) == []
