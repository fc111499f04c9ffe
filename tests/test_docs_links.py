"""Every link and file path in README.md and docs/ points at a file inside the repository.

A user's clone holds only the repository, so a link to a folder beside it (or anywhere
outside) is a dead link for them. Checked: inline links `[text](target)`, reference definitions
`[id]: target`, and inline code spans that name a Markdown file or climb with `../`.
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


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_link_stays_in_the_repository(document: Path) -> None:
    assert problems(document) == []
