"""The report as a reader sees it: rendered by chromium, and its PDF's first page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from dagster_project.report.render import Report
from tests.report.browser import browser_page

SECTIONS = ("scorecard", "significance", "distributions", "cohort", "dviom")


def check_in_browser(report: Report, output_dir: Path) -> None:
    with browser_page() as page:
        page.goto(report.html_path.resolve().as_uri())
        for section in SECTIONS:
            assert page.locator(f"section#{section} h2").is_visible()
        figures = [f for s in report.sections for f in s.figures]
        for figure in figures:
            located = page.locator(f"figure#{figure.id}")
            assert located.is_visible(), figure.id
            # Each figure names its mart on the page, not only in an attribute.
            for mart in figure.sources:
                assert f"marts.{mart}" in located.locator("figcaption").inner_text()
            if figure.kind == "chart":
                box = located.locator("svg").first.bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 150, figure.id
        assert page.locator("#suppression-note").is_visible()
        page.screenshot(path=str(output_dir / "report.png"), full_page=True)
        assert page.errors == []


def test_the_report_renders_in_chromium_while_marts_are_missing(
    small_report: Report, output_dir: Path
):
    check_in_browser(small_report, output_dir)


def test_the_demo_report_renders_every_chart_in_chromium(
    request: pytest.FixtureRequest, output_dir: Path
):
    pytest.importorskip("dagster_project.demo.generator")
    report: Report = request.getfixturevalue("demo_report")
    check_in_browser(report, output_dir)
    # the four charts of the report before the impact evaluation, and its chart
    assert sum(f.kind == "chart" for s in report.sections for f in s.figures) == 5


def test_the_pdf_first_page_is_not_blank(small_report: Report, output_dir: Path):
    prefix = output_dir / "pdf-page"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(small_report.pdf_path),
            str(prefix),
        ],
        check=True,
        timeout=120,
    )
    page = Image.open(prefix.with_suffix(".png")).convert("L")
    # A blank page has no variance; a page of text and tables has plenty.
    assert ImageStat.Stat(page).stddev[0] > 10
