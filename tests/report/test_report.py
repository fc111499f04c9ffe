"""The report renders from whatever marts are published, and is self-contained."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.definitions import defs
from dagster_project.ops.runner import run_config_for
from dagster_project.report.marts import REPORT_MARTS
from dagster_project.report.render import Report, write_report
from dagster_project.settings import REPO_ROOT
from tests.pipeline import PipelineRun

# About 40 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(40)

SECTIONS = (
    "scorecard",
    "trends",
    "significance",
    "distributions",
    "cohort",
    "dviom",
    "selection",
)


def _published_tables(run: PipelineRun) -> set[str]:
    with run.published() as con:
        return {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }


def test_every_section_renders_and_names_the_marts_it_is_waiting_for(
    small_report: Report, small_run: PipelineRun
):
    html = small_report.html_path.read_text()
    for section in SECTIONS:
        assert f'<section id="{section}"' in html
    published = _published_tables(small_run)
    # A section names each mart it needs that is not published yet, rather than crashing.
    for section in small_report.sections:
        assert section.missing == [m for m in section.sources if m not in published]
        for mart in section.missing:
            assert f'data-missing-mart="{mart}"' in html
    assert small_report.pdf_path.stat().st_size > 1000


def test_small_victim_numbers_are_suppressed_in_the_report(small_report: Report):
    idva = next(
        f for s in small_report.sections for f in s.figures if f.id == "table-idva-outcomes"
    )
    physical = idva.body["rows"][0]
    # 11 cessation and 1 don't know of 12: the 1 is hidden, and the 11 with it (12 - 11 = 1);
    # the combined cessation share would give the 11 away.
    assert physical == ["Physical", "0 (0.0%)", "*", "0 (0.0%)", "0 (0.0%)", "*", "12", "*"]
    html = small_report.html_path.read_text()
    assert "Small numbers are suppressed" in html


def test_the_html_is_self_contained(small_report: Report):
    html = small_report.html_path.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    assert "suppression-note" in html


def _iom_report(data_dir: Path, out: Path, as_of: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "dagster_project.cli", "report"]
    return subprocess.run(
        [*command, "--out", str(out), "--as-of", as_of],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_iom_report_writes_html_and_pdf_for_the_published_version(small_run: PipelineRun, tmp_path):
    done = _iom_report(small_run.data_dir, tmp_path, "2019-03-31")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "iom-performance-report-2019-03-31.html",
        "iom-performance-report-2019-03-31.pdf",
    ]
    # No version was published as of another date: a clear message, not a traceback.
    other = _iom_report(small_run.data_dir, tmp_path, "2018-12-31")
    assert other.returncode == 2
    assert "no published version as of 2018-12-31" in other.stderr


def test_the_monthly_job_materialises_the_report_asset(small_run: PipelineRun):
    result = defs.resolve_job_def("monthly_report").execute_in_process(
        run_config=run_config_for(small_run.data_dir),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialisation = result.asset_materializations_for_node("performance_report")[0]
    html = materialisation.metadata["html"].value
    assert html == str(small_run.data_dir / "reports" / "iom-performance-report-2019-03-31.html")
    assert (small_run.data_dir / "reports" / "iom-performance-report-2019-03-31.pdf").is_file()


def test_on_the_demo_data_every_section_is_complete_and_traceable(demo_report: Report):
    assert demo_report.missing_marts == []
    html = demo_report.html_path.read_text()
    for section in demo_report.sections:
        assert section.figures or section.paragraphs, section.id
        for figure in section.figures:
            assert f'id="{figure.id}"' in html
            assert figure.sources and all(s in REPORT_MARTS for s in figure.sources)
    charts = [f.id for s in demo_report.sections for f in s.figures if f.kind == "chart"]
    assert sorted(charts) == sorted(
        [
            "chart-cohort-monthly",
            "chart-cohort-scores",
            "chart-impact",
            "chart-mean-score-by-month",
            "chart-release-forecast",
            "chart-score-distribution",
        ]
    )


def test_the_demo_report_says_what_its_figures_count(demo_report: Report):
    html = demo_report.html_path.read_text()
    assert html.count("Reoffending Risk Score (RRS)") == 1  # spelled out once
    figures = {f.id: f for s in demo_report.sections for f in s.figures}
    entry = dict(figures["figure-a-entry"].body["rows"])
    # a band says how many of how many spells it holds (the demo's counts move with its seed)
    band = re.fullmatch(r"0-100 \((\d+) of (\d+) spells\)", entry["Mode entry band"])
    assert band, entry["Mode entry band"]
    assert 0 < int(band.group(1)) < int(band.group(2))
    exit_rows = dict(figures["figure-a-exit"].body["rows"])
    reduction = dict(figures["figure-a-reduction"].body["rows"])
    assert "Exit variance (mean exit minus mean entry of all spells)" in exit_rows
    assert "Mean reduction, entry to exit (each exited spell)" in reduction
    # the demo's as-of is 31 Mar 2019: its 2019 cohort is at most 3 months in
    assert "The 2019 cohort is incomplete" in figures["figure-a-mid-by-cohort"].note
    assert "at most 3 months in" in figures["chart-cohort-scores"].note
    windows = next(r for r in figures["figure-b"].body["rows"] if r[0] == "releases due in window")
    assert windows[1:8] == [
        "Sep 2018 - Nov 2018",
        "Oct 2018 - Dec 2018",
        "Nov 2018 - Jan 2019",
        "Dec 2018 - Feb 2019",
        "Jan 2019 - Mar 2019",
        "Feb 2019 - Apr 2019",
        "Mar 2019 - May 2019",
    ]


def test_the_method_page_is_a_real_link(small_report: Report):
    html = small_report.html_path.read_text()
    links = re.findall(r'<a href="([^"#][^"]*)"', html)
    pages = {(small_report.html_path.parent / link).resolve() for link in links}
    # relative to the report's folder, so they open where the report is written
    assert REPO_ROOT / "docs" / "impact.md" in pages
    assert REPO_ROOT / "docs" / "disclosure.md" in pages
    assert all(page.is_file() for page in pages)


def test_the_demo_report_shows_felt_safer_and_figure_b_headlines_unsuppressed(
    demo_report: Report,
):
    figures = {f.id: f for s in demo_report.sections for f in s.figures}
    dviom = {row[0]: row[1] for row in figures["figure-a-dviom"].body["rows"]}
    felt_safer = dviom["IDVA survivors who felt safer at closure"]
    assert re.fullmatch(r"\d+\.\d% \(\d+ of \d+ survivors\)", felt_safer), felt_safer
    area_labels = ("... releasing to", "due to ")
    headline = [
        row for row in figures["figure-b"].body["rows"] if not row[0].startswith(area_labels)
    ]
    assert len(headline) == 12  # 9 cohort rows, 3 releases due by scheme, the window heading
    for row in headline:
        assert "*" not in row, row
    # The demo's County South expects fewer than 5 releases in most windows: still protected.
    due_south = next(r for r in figures["figure-b"].body["rows"] if r[0] == "due to County South")
    assert "*" in due_south


def test_the_selection_section_holds_aggregates_only(demo_report: Report, demo_run: PipelineRun):
    with demo_run.published() as con:
        keys = [
            r[0]
            for r in con.execute("select nominal_key from marts.selection_candidates").fetchall()
        ]
        latest = con.execute(
            "select month_end, eligible, entries_next_month, entered_next_month, "
            "entered_below_threshold from marts.selection_monthly "
            "where entries_next_month is not null order by month_end desc limit 1"
        ).fetchone()
    html = demo_report.html_path.read_text()
    assert keys and not any(key in html for key in keys)
    section = next(s for s in demo_report.sections if s.id == "selection")
    assert f"<b>{len(keys):,} people</b> were eligible" in section.paragraphs[0]
    table = next(f for f in section.figures if f.id == "table-selection-monthly").body
    month_end, eligible, entries, above, below = latest
    assert table["rows"][-1][0] == f"{month_end:%b %Y}"
    assert table["rows"][-1][1] == f"{eligible:,}"
    assert table["rows"][-1][2].endswith(f": {entries}")
    assert table["rows"][-1][3:] == [str(above), str(below)]


def test_the_impact_paragraph_uses_the_versions_horizon(demo_report: Report, demo_run: PipelineRun):
    version = json.loads((demo_run.data_dir / "current" / "version.json").read_text())
    horizon = version["dbt_vars"]["evaluation_horizon_months"]
    section = next(s for s in demo_report.sections if s.id == "significance")
    text = " ".join(section.paragraphs)
    assert f"score {horizon} months after the month before entry" in text
    assert f"over the same {horizon} months" in text


def _with_an_earlier_version(run: PipelineRun, folder: Path) -> Path:
    """A copy of the run's data folder holding its version and a copy of it published as of
    the month before, whose scorecard counted 4 more unique nominals."""
    data = folder / "data"
    current = (run.data_dir / "current").resolve()
    shutil.copytree(current, data / "versions" / current.name)
    earlier = data / "versions" / "20000101T000000000000Z-earlier"
    shutil.copytree(current, earlier)
    info = json.loads((earlier / "version.json").read_text())
    info |= {"version_id": earlier.name, "as_of": "2019-02-28"}
    (earlier / "version.json").write_text(json.dumps(info))
    con = duckdb.connect(str(earlier / "analytics.duckdb"))
    con.execute(
        "update marts.scorecard set value = value + 4 "
        "where metric = 'unique_nominals' and breakdown = 'all'"
    )
    con.close()
    (data / "current").symlink_to(Path("versions") / current.name)
    return data


def test_figure_a_shows_the_change_since_the_previous_published_version(
    small_run: PipelineRun, tmp_path: Path
):
    data = _with_an_earlier_version(small_run, tmp_path)
    report = write_report(data, tmp_path / "out")
    figures = {f.id: f.body for s in report.sections for f in s.figures}
    process = figures["figure-a-process"]
    assert process["header"] == ["Measure", "Value", "Change since 28 Feb 2019"]
    # 3 unique nominals now, 7 in the earlier version
    assert process["rows"][0] == ["Unique nominals", "3", "-4"]
    trends = next(s for s in report.sections if s.id == "trends")
    assert (
        "Unique nominals fell from 7 on 28 Feb 2019 to 3 on 31 Mar 2019 (-4; Figure A, Process)."
        in trends.bullets
    )


def test_every_interval_drawn_is_labelled_and_every_comparison_gives_its_n(
    demo_report: Report,
):
    charts = {f.id: f for s in demo_report.sections for f in s.figures if f.kind == "chart"}
    # the chart's own text (matplotlib keeps text as text in the SVG)
    cohort = charts["chart-cohort-scores"].body
    assert "estimate with its 95% bootstrap CI" in cohort
    assert re.search(r"exited, all \(n = \d+ pairs\)", cohort)
    assert len(re.findall(r"mid, \d{4} \(n = \d+ pairs\)", cohort)) == 4  # 2016 to 2019
    assert len(re.findall(r"\d{4} \(n = \d+ spells\)", cohort)) == 4
    impact = charts["chart-impact"].body
    assert "95% bootstrap CI of the difference" in impact
    for scheme in ("all", "GENERIC", "DV"):
        assert re.search(rf"{scheme} \(n = \d+ spells\)", impact), scheme
    distribution = charts["chart-score-distribution"]
    assert re.search(r"entry \(all spells, n = [\d,]+\)", distribution.body)
    assert re.search(r"exit \(exited spells, n = [\d,]+\)", distribution.body)
    # each band the table suppresses is a * on the chart, and the note says what it means
    table = next(
        f for s in demo_report.sections for f in s.figures if f.id == "table-score-distribution"
    )
    hidden = sum(cell == "*" for row in table.body["rows"] for cell in row[1:])
    assert hidden > 0
    assert len(re.findall(r"<text[^>]*>\*</text>", distribution.body)) == hidden
    assert distribution.note.startswith("* at the foot of a bar")
