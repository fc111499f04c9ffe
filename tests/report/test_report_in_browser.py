"""The report as a reader sees it: rendered by chromium, and its PDF's first page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from dagster_project.report.render import Report, write_report
from dagster_project.settings import from_environment
from tests.pipeline import PipelineRun
from tests.report.browser import browser_page
from tests.report.test_report import SECTIONS


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


def test_the_demo_report_renders_every_chart_in_chromium(demo_report: Report, output_dir: Path):
    check_in_browser(demo_report, output_dir)
    # the four charts of the report before the impact evaluation, its chart, and the mean
    # score by month
    assert sum(f.kind == "chart" for s in demo_report.sections for f in s.figures) == 6


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


# A4 at 297 mm with margins of 16 mm (top) and 15 mm (bottom), where the marking and the page
# number are printed: the body of a page lies between these shares of its height.
BODY_TOP, BODY_BOTTOM = 16 / 297, 1 - 15 / 297
# A page is filled down to its lowest dark row; "under a quarter filled" is ink ending in the
# first quarter of the body.
LEAST_FILLED = 0.25


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def filled_share(image: Image.Image) -> float:
    """How far down its body a page image is filled: 0 blank, 1 ink down to the bottom."""
    grey = image.convert("L")
    width, height = grey.size
    top, bottom = round(BODY_TOP * height), round(BODY_BOTTOM * height)
    pixels = grey.load()
    inked = [y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(width))]
    return 0.0 if not inked else (inked[-1] - top) / (bottom - top)


def check_pages(pdf: Path, marking: str, output_dir: Path, fill: bool) -> list[float]:
    pages = pdf_pages(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = page_text(pdf, page)
        assert f"Page {page} of {pages}" in text, page
        # at the top and at the foot of every page
        assert text.count(marking) >= 2, (page, text[:200])
    if not fill:
        return []
    prefix = output_dir / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(prefix)], check=True, timeout=120)
    images = sorted(output_dir.glob("page-*.png"))
    assert len(images) == pages
    shares = [filled_share(Image.open(image)) for image in images]
    # every page but the last is filled at least a quarter of the way down
    assert all(share >= LEAST_FILLED for share in shares[:-1]), shares
    return shares


def test_filled_share_reads_a_blank_a_quarter_and_a_full_page():
    blank = Image.new("L", (100, 1000), 255)
    assert filled_share(blank) == 0.0
    top, bottom = round(BODY_TOP * 1000), round(BODY_BOTTOM * 1000)
    quarter = blank.copy()
    quarter.paste(0, (10, top + 10, 90, top + (bottom - top) // 4 + 1))
    assert filled_share(quarter) == pytest.approx(0.25, abs=0.01)
    full = blank.copy()
    full.paste(0, (10, bottom - 2, 90, bottom))
    assert filled_share(full) == pytest.approx(1.0, abs=0.01)
    # the marking and page number in the margins do not count
    margins = blank.copy()
    margins.paste(0, (10, 5, 90, top - 5))
    margins.paste(0, (10, bottom + 5, 90, 995))
    assert filled_share(margins) == 0.0


def test_the_demo_pdf_has_the_marking_and_page_numbers_on_every_page_and_no_near_empty_page(
    demo_report: Report, output_dir: Path
):
    check_pages(demo_report.pdf_path, "OFFICIAL", output_dir, fill=True)


def test_the_marking_is_configurable(small_run: PipelineRun, tmp_path: Path, output_dir: Path):
    marking = "OFFICIAL-SENSITIVE"
    report = write_report(small_run.data_dir, tmp_path, marking=marking)
    check_pages(report.pdf_path, marking, output_dir, fill=True)
    html = report.html_path.read_text()
    assert html.count('class="marking"') == 2 and f">{marking}</p>" in html
    assert from_environment({"IOM_PROTECTIVE_MARKING": marking}).protective_marking == marking
    assert from_environment({}).protective_marking == "OFFICIAL"


def test_the_demo_report_is_readable_400_px_wide(demo_report: Report, output_dir: Path):
    with browser_page(width=400, height=800) as page:
        page.goto(demo_report.html_path.resolve().as_uri())
        # no horizontal scroll: wide tables scroll inside their own box
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        for figure in [f for s in demo_report.sections for f in s.figures if f.kind == "chart"]:
            box = page.locator(f"figure#{figure.id} svg").first.bounding_box()
            assert box is not None and 200 < box["width"] <= 400, figure.id
        page.screenshot(path=str(output_dir / "report-400px.png"), full_page=True)
        assert page.errors == []
