"""The analysts' labelled views figure_a, figure_b and idva_outcomes_labelled, on the small run.

The small run (tests/report/conftest.py, as of 2019-03-31): N1 on GENERIC 2017-02-01 ..
2018-06-30 SUCCESSFUL; N2 on GENERIC from 2018-01-15, in custody from 2018-09-01 on a 400-day
sentence (not the watchlist), earliest release 2019-05-01, released to the City; N3 on DV
from 2018-03-01 in County North, whose survivors' twelve IDVA cases closed physical abuse

# About 30 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(30)
with 11 cessations and 1 don't know, 11 of 12 feeling safer. By hand:

- figure_a: 3 unique nominals; successful exits 1 of 1 spells; 11 of 12 survivors felt safer.
- figure_b: months Oct 2018 .. Mar 2019 and Sep 2018 (7 month ends, the last 2019-03-31);
  live GENERIC 1 (N2), DV 1 (N3), total 2 in every one; N2 in custody (releasing to the City)
  in each from Sep 2018; due in Mar-May 2019 (the window under March) 1, to the City, none
  in the windows under Sep .. Feb (Feb-Apr ends before 2019-05-01); watchlist 0.
- idva_outcomes_labelled: the 1 don't know is suppressed, and with it the 11 cessations (its
  row's only other non-zero cell); the row's total 12 is shown.
"""

from __future__ import annotations

from datetime import date

import pytest

from dagster_project.presentation.figure_b import load_figure_b
from dagster_project.presentation.format import scorecard_value
from dagster_project.presentation.scorecard import SCORECARD_SQL, render_scorecard
from dagster_project.report.figures import ABUSE_TYPES, OUTCOMES
from tests.pipeline import PipelineRun

MONTHS = [f"month_{k}" for k in range(1, 8)]


def _dicts(run: PipelineRun, sql: str) -> list[dict]:
    with run.published() as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def figure_a(small_run: PipelineRun) -> dict[tuple[str, str], dict]:
    rows = _dicts(small_run, "select * from marts.figure_a")
    return {(r["metric"], r["breakdown"]): r for r in rows}


@pytest.fixture(scope="module")
def figure_b(small_run: PipelineRun) -> list[dict]:
    return _dicts(small_run, "select * from marts.figure_b order by display_order")


def test_figure_a_reads_like_the_printed_figure(figure_a: dict):
    unique = figure_a[("unique_nominals", "all")]
    assert (unique["label"], unique["section_title"], unique["display_text"]) == (
        "Unique nominals",
        "Process",
        "3",
    )
    successful = figure_a[("successful_exit_pct", "all")]
    assert successful["value"] == 100.0
    assert (successful["numerator"], successful["denominator"]) == (1, 1)
    assert successful["display_text"] == "100.0% (1 of 1 spells)"
    safer = figure_a[("idva_felt_safer_pct", "all")]
    assert safer["display_text"] == "91.7% (11 of 12 survivors)"
    assert safer["value"] == pytest.approx(100 * 11 / 12)
    assert {r["as_of"] for r in figure_a.values()} == {date(2019, 3, 31)}
    orders = [r["display_order"] for r in sorted(figure_a.values(), key=lambda r: r["metric"])]
    assert all(isinstance(o, int) for o in orders)


def test_figure_a_labels_the_scorecard_and_prints_what_iom_scorecard_prints(
    small_run: PipelineRun, figure_a: dict
):
    with small_run.published() as con:
        cursor = con.execute(SCORECARD_SQL.replace("from scorecard", "from marts.scorecard"))
        names = [d[0] for d in cursor.description]
        scorecard = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(figure_a) == len(scorecard)
    for row in scorecard:
        shown = figure_a[(row["metric"], row["breakdown"])]
        assert (shown["section"], shown["unit"]) == (row["section"], row["unit"])
        assert shown["value"] == row["value"]
        # the one formatter: what dbt stored is what the Python layer writes for the row
        assert shown["display_text"] == scorecard_value(row, shown["counted"] or "")
    printed = render_scorecard(scorecard).splitlines()
    for (_, breakdown), shown in figure_a.items():
        if breakdown == "all" and shown["section"] != "Significance":
            line = next(x for x in printed if x.startswith(f"  {shown['label']} "))
            assert line.rstrip().endswith(shown["display_text"]), line


def test_figure_b_has_a_row_per_measure_and_a_column_per_month(figure_b: list[dict]):
    rows = {r["measure"]: r for r in figure_b}
    assert len(figure_b) == 17
    assert {(r["first_month_end"], r["last_month_end"]) for r in figure_b} == {
        (date(2018, 9, 30), date(2019, 3, 31))
    }
    assert [rows["live GENERIC"][m] for m in MONTHS] == [1] * 7
    assert [rows["live DV"][m] for m in MONTHS] == [1] * 7
    assert [rows["live total"][m] for m in MONTHS] == [2] * 7
    assert [rows["in custody GENERIC"][m] for m in MONTHS] == [1] * 7
    assert [rows["... releasing to City"][m] for m in MONTHS] == [1] * 7
    assert rows["... releasing to City"]["indent"] == 1
    assert [rows["due in next 3 months, total"][m] for m in MONTHS] == [0] * 6 + [1]
    assert [rows["due to City"][m] for m in MONTHS] == [0] * 6 + [1]
    assert [rows["live watchlist"][m] for m in MONTHS] == [0] * 7
    assert [rows["total on IOM and watchlist"][m] for m in MONTHS] == [2] * 7


def test_figure_b_is_cohort_monthly_laid_out_as_iom_live_cohort_prints_it(
    small_run: PipelineRun, figure_b: list[dict]
):
    with small_run.published() as con:
        for row in (r for r in figure_b if r["mart"] == "cohort_monthly"):
            counts = dict(
                con.execute(
                    f"select month_end, {row['measure_column']} from marts.cohort_monthly "
                    "where scheme = ? and area = 'ALL'",
                    [row["scheme"]],
                ).fetchall()
            )
            assert row["month_7"] == counts[date(2019, 3, 31)]
            assert row["month_1"] == counts[date(2018, 9, 30)]
    printed = load_figure_b(small_run.data_dir, 7)
    assert printed.month_ends[0] == date(2018, 9, 30)
    assert [(label.strip(), values) for label, values in printed.rows] == [
        (r["measure"], [r[m] for m in MONTHS]) for r in figure_b
    ]


def test_idva_outcomes_labelled_carries_the_printed_labels(small_run: PipelineRun):
    rows = _dicts(small_run, "select * from marts.idva_outcomes_labelled")
    cells = {(r["abuse_type"], r["outcome"]): r for r in rows}
    assert len(rows) == 30
    stalking = cells[("STALKING", "NOT_DISCLOSED")]
    assert (stalking["abuse_type_label"], stalking["outcome_label"]) == (
        "Surveillance / harassment / stalking",
        "Abuse not disclosed",
    )
    assert (stalking["cases"], stalking["total_cases"]) == (0, 0)
    cessation = cells[("PHYSICAL", "CESSATION")]
    assert (cessation["cases"], cessation["total_cases"], cessation["is_suppressed"]) == (
        None,
        12,
        True,
    )
    assert cells[("PHYSICAL", "DONT_KNOW")]["is_suppressed"] is True
    assert cells[("PHYSICAL", "NOT_DISCLOSED")]["cases"] == 0
    # the same words and order as the report's IDVA table
    by_order = sorted(rows, key=lambda r: (r["abuse_type_order"], r["outcome_order"]))
    assert list(dict.fromkeys(r["abuse_type_label"] for r in by_order)) == list(
        ABUSE_TYPES.values()
    )
    assert [r["outcome_label"] for r in by_order[:5]] == list(OUTCOMES.values())
    published = _dicts(small_run, "select * from marts.dv_outcomes_publishable")
    for row in published:
        labelled = cells[(row["abuse_type"], row["outcome"])]
        assert {k: labelled[k] for k in row} == row


def test_the_views_are_published_like_every_mart(small_run: PipelineRun):
    for name in ("figure_a", "figure_b", "idva_outcomes_labelled"):
        parquet = small_run.data_dir / "marts" / f"{name}.parquet"
        with small_run.published() as con:
            (in_duckdb,) = con.execute(f"select count(*) from marts.{name}").fetchone()
            (in_parquet,) = con.execute(
                f"select count(*) from read_parquet('{parquet}')"
            ).fetchone()
        assert in_parquet == in_duckdb > 0, name
