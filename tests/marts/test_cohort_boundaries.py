"""cohort_monthly, release_forecast and release_forecast_accuracy on one hand-made landing
folder; every expected figure below is worked out by hand from the rows in `landing`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date

import pytest

from dagster_project.settings import REPO_ROOT
from tests.landing import custody, spell, write_landing
from tests.pipeline import PipelineRun, run_on

# As of the extract date 2019-03-31; the first entry is 2018-06-01, so month ends run
# Jun 2018 .. Mar 2019 and windows start 2018-06-01 .. 2019-03-01.
REGISTER = [
    spell("S-A", "A", "2018-06-01"),
    spell("S-B", "B", "2018-06-01"),
    spell("S-C", "C", "2018-06-01", scheme="DV"),
    spell("S-D", "D", "2018-06-01", scheme="DV"),
    spell("S-E", "E", "2018-06-01"),
    # F's spell ends on a month end (30 Sep) and they stay in custody afterwards
    spell("S-F", "F", "2018-06-01", "2018-09-30", "DESELECTED"),
    spell("S-G", "G", "2018-06-01", scheme="DV"),
    spell("S-H", "H", "2018-06-01"),
    spell("S-I", "I", "2019-03-31"),
    # J washes out of DV on 31 Dec and re-enters GENERIC the same day
    spell("S-J1", "J", "2018-06-01", "2018-12-31", "WASHOUT", scheme="DV"),
    spell("S-J2", "J", "2018-12-31"),
    spell("S-K", "K", "2019-01-05"),
]
CUSTODY = [
    # exactly four years (1,461 days): live; one day more: watchlist
    custody("C-A", "A", "2018-10-01", 1461, "2021-01-01", area="CITY"),
    custody("C-B", "B", "2018-10-01", 1462, "2021-01-01", area="COUNTY_NORTH"),
    # earliest release exactly 6 months after 31 Dec (live then) vs one day later (watchlist)
    custody("C-C", "C", "2018-11-15", 2000, "2019-06-30", area="COUNTY_SOUTH"),
    custody("C-D", "D", "2018-11-15", 2000, "2019-07-01", area="COUNTY_SOUTH"),
    # released on a month end: not in custody at that month end
    custody("C-E", "E", "2018-07-10", 300, "2018-12-31", "2018-12-31", area="CITY"),
    custody("C-F", "F", "2018-09-01", 3000, "2023-01-01", area="COUNTY_NORTH"),
    # paroled on 10 Dec, two months before the earliest release date
    custody("C-G", "G", "2018-08-01", 1000, "2019-02-15", "2018-12-10", "CITY", "PAROLE"),
    # due and released across the year end
    custody("C-H", "H", "2018-06-20", 400, "2019-01-20", "2019-01-25", area="COUNTY_NORTH"),
    custody("C-K", "K", "2019-01-10", 200, "2019-04-15", area="COUNTY_SOUTH"),
]

COLUMNS = (
    "live_cohort, in_custody, in_custody_release_city, in_custody_release_county_north, "
    "in_custody_release_county_south, watchlist, live_plus_watchlist"
)

# (month_end, scheme) -> (live, in custody, city, north, south, watchlist, live + watchlist)
EXPECTED_MONTHLY = {
    ("2018-06-30", "GENERIC"): (5, 1, 0, 1, 0, 0, 5),  # A B E F H; H in custody
    ("2018-06-30", "DV"): (4, 0, 0, 0, 0, 0, 4),  # C D G J
    ("2018-06-30", "ALL"): (9, 1, 0, 1, 0, 0, 9),
    ("2018-07-31", "GENERIC"): (5, 2, 1, 1, 0, 0, 5),  # + E in custody
    ("2018-07-31", "DV"): (4, 0, 0, 0, 0, 0, 4),
    ("2018-07-31", "ALL"): (9, 2, 1, 1, 0, 0, 9),
    ("2018-08-31", "GENERIC"): (5, 2, 1, 1, 0, 0, 5),
    ("2018-08-31", "DV"): (4, 1, 1, 0, 0, 0, 4),  # + G in custody
    ("2018-08-31", "ALL"): (9, 3, 2, 1, 0, 0, 9),
    ("2018-09-30", "GENERIC"): (4, 2, 1, 1, 0, 0, 4),  # F exited on the month end
    ("2018-09-30", "DV"): (4, 1, 1, 0, 0, 0, 4),
    ("2018-09-30", "ALL"): (8, 3, 2, 1, 0, 0, 8),
    ("2018-10-31", "GENERIC"): (3, 3, 2, 1, 0, 1, 4),  # A live in custody, B watchlist
    ("2018-10-31", "DV"): (4, 1, 1, 0, 0, 0, 4),
    ("2018-10-31", "ALL"): (7, 4, 3, 1, 0, 1, 8),
    ("2018-11-30", "GENERIC"): (3, 3, 2, 1, 0, 1, 4),
    ("2018-11-30", "DV"): (2, 1, 1, 0, 0, 2, 4),  # C and D watchlist
    ("2018-11-30", "ALL"): (5, 4, 3, 1, 0, 3, 8),
    # E released and G paroled; J now GENERIC; C live (exactly 6 months), D watchlist
    ("2018-12-31", "GENERIC"): (4, 2, 1, 1, 0, 1, 5),
    ("2018-12-31", "DV"): (2, 1, 0, 0, 1, 1, 3),
    ("2018-12-31", "ALL"): (6, 3, 1, 1, 1, 2, 8),
    # H released; D live; K in custody
    ("2019-01-31", "GENERIC"): (5, 2, 1, 0, 1, 1, 6),
    ("2019-01-31", "DV"): (3, 2, 0, 0, 2, 0, 3),
    ("2019-01-31", "ALL"): (8, 4, 1, 0, 3, 1, 9),
    ("2019-02-28", "GENERIC"): (5, 2, 1, 0, 1, 1, 6),
    ("2019-02-28", "DV"): (3, 2, 0, 0, 2, 0, 3),
    ("2019-02-28", "ALL"): (8, 4, 1, 0, 3, 1, 9),
    ("2019-03-31", "GENERIC"): (6, 2, 1, 0, 1, 1, 7),  # I entered on the as-of date
    ("2019-03-31", "DV"): (3, 2, 0, 0, 2, 0, 3),
    ("2019-03-31", "ALL"): (9, 4, 1, 0, 3, 1, 10),
}

# window_start -> (label, window_end, due, actual) for all schemes and areas
EXPECTED_WINDOWS = {
    "2018-06-01": ("JUN-AUG 2018", "2018-08-31", 0, 0),  # nobody in custody on 1 Jun
    "2018-07-01": ("JUL-SEP 2018", "2018-09-30", 0, 0),
    "2018-08-01": ("AUG-OCT 2018", "2018-10-31", 0, 0),
    "2018-09-01": ("SEP-NOV 2018", "2018-11-30", 0, 0),  # F in custody, open spell, not due
    "2018-10-01": ("OCT-DEC 2018", "2018-12-31", 1, 2),  # due E; released E and G (parole)
    "2018-11-01": ("NOV-JAN 2018", "2019-01-31", 2, 3),  # due E H; released E G H
    "2018-12-01": ("DEC-FEB 2018", "2019-02-28", 3, 3),  # due E H G; released E G H
    "2019-01-01": ("JAN-MAR 2019", "2019-03-31", 1, 1),  # H
    "2019-02-01": ("FEB-APR 2019", "2019-04-30", 1, None),  # K due; not over
    "2019-03-01": ("MAR-MAY 2019", "2019-05-31", 1, None),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    folder = tmp_path_factory.mktemp("cohort")
    landing = write_landing(
        folder / "landing", {"iom_register": REGISTER, "custody_episodes": CUSTODY}
    )
    result = run_on(landing, folder / "data")
    assert result.outcome.success, result.outcome.failures
    return result


def _published(run: PipelineRun, sql: str) -> list[tuple]:
    with run.published() as con:
        return con.execute(sql).fetchall()


def test_cohort_monthly_matches_the_hand_count_for_every_month_and_scheme(run: PipelineRun):
    rows = _published(
        run,
        f"select strftime(month_end, '%Y-%m-%d'), scheme, {COLUMNS} from marts.cohort_monthly "
        "where area = 'ALL'",
    )
    assert {(r[0], r[1]): tuple(r[2:]) for r in rows} == EXPECTED_MONTHLY


def test_sentence_of_exactly_four_years_stays_live(run: PipelineRun):
    by_sentence = dict(
        run.rows(
            "select sentence_days, is_watchlist from intermediate.int_nominal_status "
            "where status_date = date '2018-10-31' and sentence_days in (1461, 1462)"
        )
    )
    assert by_sentence == {1461: False, 1462: True}


def test_earliest_release_exactly_six_months_after_the_month_end_is_live(run: PipelineRun):
    by_release = dict(
        run.rows(
            "select earliest_release_date, is_watchlist from intermediate.int_nominal_status "
            "where status_date = date '2018-12-31' and sentence_days = 2000"
        )
    )
    assert by_release == {date(2019, 6, 30): False, date(2019, 7, 1): True}


def test_release_on_the_month_end_is_out_of_custody_that_month_end(run: PipelineRun):
    rows = run.rows(
        "select status_date, is_in_custody from intermediate.int_nominal_status "
        "where nominal_key = (select nominal_key from staging.stg_custody_episodes "
        "where custody_id = 'C-E') and status_date in (date '2018-11-30', date '2018-12-31')"
    )
    assert sorted(rows) == [(date(2018, 11, 30), True), (date(2018, 12, 31), False)]


def test_nominal_in_custody_after_their_spell_ended_is_not_counted(run: PipelineRun):
    f_key = "(select nominal_key from staging.stg_custody_episodes where custody_id = 'C-F')"
    dates = [
        r[0]
        for r in run.rows(
            f"select status_date from intermediate.int_nominal_status where nominal_key = {f_key} "
            "order by status_date"
        )
    ]
    # open from 1 Jun; the exit on 30 Sep ends the spell on that day
    assert dates[-1] == date(2018, 9, 1)
    assert date(2018, 9, 30) not in dates


def test_release_forecast_all_rows_match_the_hand_count(run: PipelineRun):
    rows = _published(
        run,
        "select strftime(window_start, '%Y-%m-%d'), window_label, "
        "strftime(window_end, '%Y-%m-%d'), due_releases, actual_releases "
        "from marts.release_forecast where scheme = 'ALL' and release_area = 'ALL'",
    )
    assert {r[0]: tuple(r[1:]) for r in rows} == EXPECTED_WINDOWS


def test_window_across_the_year_end_is_labelled_with_its_start_year(run: PipelineRun):
    rows = _published(
        run,
        "select window_start, window_end, scheme, release_area, due_releases, actual_releases "
        "from marts.release_forecast where window_label = 'NOV-JAN 2018' "
        "and (due_releases > 0 or actual_releases > 0)",
    )
    assert {r[0] for r in rows} == {date(2018, 11, 1)}
    assert {r[1] for r in rows} == {date(2019, 1, 31)}
    cells = {(r[2], r[3]): (r[4], r[5]) for r in rows}
    assert cells == {
        ("GENERIC", "CITY"): (1, 1),  # E
        ("GENERIC", "COUNTY_NORTH"): (1, 1),  # H
        ("GENERIC", "ALL"): (2, 2),
        ("DV", "CITY"): (0, 1),  # G paroled: actual, not due
        ("DV", "ALL"): (0, 1),
        ("ALL", "CITY"): (1, 2),
        ("ALL", "COUNTY_NORTH"): (1, 1),
        ("ALL", "ALL"): (2, 3),
    }


def test_release_forecast_grid_is_full_and_zero_filled(run: PipelineRun):
    ((rows, zero_due),) = _published(
        run,
        "select count(*), count(*) filter (where due_releases = 0) from marts.release_forecast",
    )
    assert rows == 10 * 3 * 4  # windows x (GENERIC, DV, ALL) x (3 areas, ALL)
    assert zero_due > 0


def test_parole_release_counts_in_actual_not_in_due(run: PipelineRun):
    oct_dec = _published(
        run,
        "select due_releases, actual_releases from marts.release_forecast "
        "where window_label = 'OCT-DEC 2018' and scheme = 'DV' and release_area = 'CITY'",
    )
    assert oct_dec == [(0, 1)]


def test_forecast_accuracy_per_window_and_overall(run: PipelineRun):
    rows = _published(
        run,
        "select window_label, windows, due_releases, actual_releases, absolute_error, "
        "mean_absolute_error, early_releases, early_release_pct "
        "from marts.release_forecast_accuracy",
    )
    by_label = {r[0]: r[1:] for r in rows}
    # eight windows are over at 31 Mar 2019 (JUN-AUG .. JAN-MAR); FEB-APR and MAR-MAY are not
    assert set(by_label) == {v[0] for v in EXPECTED_WINDOWS.values() if v[3] is not None} | {"ALL"}
    assert by_label["OCT-DEC 2018"] == (1, 1, 2, 1, 1.0, 1, 50.0)
    assert by_label["JAN-MAR 2019"] == (1, 1, 1, 0, 0.0, 0, 0.0)
    windows, due, actual, error, mae, early, early_pct = by_label["ALL"]
    assert (windows, due, actual, error, early) == (8, 7, 9, 2, 3)
    assert mae == pytest.approx(2 / 8)
    assert early_pct == pytest.approx(100 * 3 / 9)


def test_no_nominal_is_counted_twice_in_a_month(run: PipelineRun):
    assert (
        run.rows(
            "select status_date, nominal_key from intermediate.int_nominal_status "
            "group by all having count(*) > 1"
        )
        == []
    )


def test_live_cohort_command_prints_figure_b_for_the_last_months(run: PipelineRun):
    result = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "live-cohort", "--months", "3"],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(run.data_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "Live cohort by month, Jan 2019 - Mar 2019 (at each month end)"
    assert lines[1].split() == ["JAN", "FEB", "MAR"]
    # label, then cells right-aligned: fields are separated by two spaces or more
    cells = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    table = {fields[0]: fields[1:] for fields in cells}
    assert table == {
        "live GENERIC": ["5", "5", "6"],
        "live DV": ["3", "3", "3"],
        "live total": ["8", "8", "9"],
        "in custody GENERIC": ["2", "2", "2"],
        "in custody DV": ["2", "2", "2"],
        "in custody total": ["4", "4", "4"],
        "... releasing to City": ["1", "1", "1"],
        "... releasing to County North": ["0", "0", "0"],
        "... releasing to County South": ["3", "3", "3"],
        "releases due in window": ["JAN-MAR", "FEB-APR", "MAR-MAY"],
        "due in next 3 months, GENERIC": ["1", "1", "1"],  # H, then K twice
        "due in next 3 months, DV": ["0", "0", "0"],
        "due in next 3 months, total": ["1", "1", "1"],
        "due to City": ["0", "0", "0"],
        "due to County North": ["1", "0", "0"],
        "due to County South": ["0", "1", "1"],
        "live watchlist": ["1", "1", "1"],
        "total on IOM and watchlist": ["9", "9", "10"],
    }
