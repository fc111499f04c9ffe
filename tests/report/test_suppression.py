"""The small-number rule: primary suppression of small counts, secondary of their partners."""

from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project.presentation.format import percentage
from dagster_project.report.figures import cohort_section, idva_table
from dagster_project.report.marts import PublishedMarts
from dagster_project.report.suppression import (
    COUNT_THRESHOLD,
    VICTIM_THRESHOLD,
    is_small,
    show_count,
    suppress_groups,
    suppress_table,
    threshold_for,
)
from dagster_project.transform.dbt_files import COHORT_COLUMNS


def test_counts_from_one_to_threshold_minus_one_are_small_and_zero_is_not():
    assert [is_small(c, COUNT_THRESHOLD) for c in (0, 1, 4, 5, None)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert is_small(9, VICTIM_THRESHOLD)
    assert not is_small(10, VICTIM_THRESHOLD)


def test_a_lone_hidden_cell_takes_the_smallest_other_cell_with_it():
    # 12 + 3 + 20 = 35 shown as the total: 3 alone would be 35 - 12 - 20.
    assert suppress_groups([12, 3, 20, 35], [range(4)], COUNT_THRESHOLD) == [
        True,
        True,
        False,
        False,
    ]


def test_a_zero_is_never_the_secondary_partner():
    # Hiding the 0 next to the 2 would still give the 2 away (9 - 7 - 0).
    assert suppress_groups([0, 2, 7, 9], [range(4)], COUNT_THRESHOLD) == [False, True, True, False]


def test_secondary_suppression_spreads_across_rows_and_columns_until_stable():
    # Row 0 hides 3 (primary) and 15 (its smallest partner); columns 1 and 2 then each have one
    # hidden cell, so 30 and 25 go too; every row and column then hides two cells.
    hidden = suppress_table([[20, 3, 15], [12, 30, 25]], VICTIM_THRESHOLD)
    assert hidden == [[False, True, True], [False, True, True]]


def test_without_column_totals_only_rows_need_a_partner():
    hidden = suppress_table([[20, 3, 15], [12, 30, 25]], VICTIM_THRESHOLD, column_totals=False)
    assert hidden == [[False, True, True], [False, False, False]]


def test_shown_counts_use_the_mark_or_thousands_separators():
    assert show_count(3, True) == "*"
    assert show_count(1234, False) == "1,234"
    assert show_count(None, False) == "—"


def test_a_percentage_of_cohort_spells_is_published_whole():
    exits = (44.78, 103, 230, "spells")
    assert percentage(*exits, threshold_for("spells")) == "44.8% (103 of 230 spells)"
    # A ratio of mean scores shows both means.
    assert percentage(-42.67, -25.3, 59.3, "points") == "-42.7% (-25.3 / 59.3 points)"


def test_felt_safer_at_its_published_size_is_shown():
    # 31 of 36: numerator and base are both at least 10; the 5 who did not feel safer are the
    # remainder of a force-wide rate, not a cell of their own.
    assert percentage(86.1, 31, 36, "survivors", threshold_for("survivors")) == (
        "86.1% (31 of 36 survivors)"
    )


def test_a_survivor_rate_at_the_edges_of_the_threshold():
    t = threshold_for("survivors")
    assert t == VICTIM_THRESHOLD
    # numerator threshold - 1 (9 of 36) hidden, threshold (10 of 36) shown
    assert percentage(25.0, 9, 36, "survivors", t) == "* (small numbers)"
    assert percentage(27.8, 10, 36, "survivors", t) == "27.8% (10 of 36 survivors)"
    # a base of threshold - 1 people is too few for a rate, even at 0 of 9; 0 of 10 is shown
    assert percentage(0.0, 0, 9, "survivors", t) == "* (small numbers)"
    assert percentage(0.0, 0, 10, "survivors", t) == "0.0% (0 of 10 survivors)"
    assert percentage(100.0, 10, 10, "survivors", t) == "100.0% (10 of 10 survivors)"


def test_what_the_policy_protects_and_what_it_publishes_whole():
    assert threshold_for("survivors") == VICTIM_THRESHOLD
    assert threshold_for("release_area") == COUNT_THRESHOLD
    assert threshold_for("score_band") == COUNT_THRESHOLD
    for published in ("nominals", "spells", "points", "", None):
        assert threshold_for(published) is None


def test_an_area_cell_at_threshold_minus_one_goes_with_its_partner_at_threshold_stays():
    # areas 4, 6, 10 of a published total 20 (index 3, exempt): 4 is small, and 6 goes with it
    assert suppress_groups([4, 6, 10, 20], [range(4)], COUNT_THRESHOLD, exempt={3}) == [
        True,
        True,
        False,
        False,
    ]
    assert suppress_groups([5, 6, 10, 21], [range(4)], COUNT_THRESHOLD, exempt={3}) == [
        False,
        False,
        False,
        False,
    ]


def test_the_secondary_cell_is_the_smallest_non_zero_one_that_may_be_hidden():
    # 3 of a published 22: the zero cannot protect it, the 19 can; the total is never hidden.
    assert suppress_groups([3, 0, 19, 22], [range(4)], COUNT_THRESHOLD, exempt={3}) == [
        True,
        False,
        True,
        False,
    ]
    # ties go to the first cell of the group
    assert suppress_groups([3, 8, 8, 19], [range(4)], COUNT_THRESHOLD, exempt={3}) == [
        True,
        True,
        False,
        False,
    ]
    # a headline (exempt) cell is never a partner, even when it is the smallest: DV due 3
    # and 4 of GENERIC 30 stay shown, so GENERIC is never hidden for their sake
    assert suppress_groups([30, 3, 33], [range(3)], COUNT_THRESHOLD, exempt={0, 1, 2}) == [
        False,
        False,
        False,
    ]


def _outcome_rows(abuse_type: str, cases: dict[str, int]) -> list[dict]:
    total = sum(cases.values())
    good = cases["CESSATION"] + cases["SIGNIFICANT_REDUCTION"]
    return [
        {
            "abuse_type": abuse_type,
            "outcome": outcome,
            "cases": n,
            "total_cases": total,
            "pct": 100.0 * n / total,
            "cessation_or_significant_pct": 100.0 * good / total,
        }
        for outcome, n in cases.items()
    ]


def test_idva_table_suppresses_small_victim_cells_with_partners_and_the_combined_share():
    outcomes = pd.DataFrame(
        _outcome_rows(
            "PHYSICAL",
            {
                "NOT_DISCLOSED": 9,
                "CESSATION": 20,
                "SIGNIFICANT_REDUCTION": 1,
                "SOME_REDUCTION": 0,
                "DONT_KNOW": 6,
            },
        )
        + _outcome_rows(
            "EMOTIONAL",
            {
                "NOT_DISCLOSED": 0,
                "CESSATION": 25,
                "SIGNIFICANT_REDUCTION": 0,
                "SOME_REDUCTION": 11,
                "DONT_KNOW": 0,
            },
        )
        + _outcome_rows(
            "FINANCIAL",
            {
                "NOT_DISCLOSED": 12,
                "CESSATION": 4,
                "SIGNIFICANT_REDUCTION": 15,
                "SOME_REDUCTION": 0,
                "DONT_KNOW": 0,
            },
        )
    )
    rows = idva_table(outcomes, "dv_outcomes", already_suppressed=False).body["rows"]
    # 9, 1 and 6 are small; the combined cessation/significant share would give the 1 away.
    assert rows[0] == ["Physical", "*", "20 (55.6%)", "*", "0 (0.0%)", "*", "36", "*"]
    # 25/36 = 69.4% (the published report said 67%).
    assert rows[1] == [
        "Emotional / psychological",
        "0 (0.0%)",
        "25 (69.4%)",
        "0 (0.0%)",
        "11 (30.6%)",
        "0 (0.0%)",
        "36",
        "69.4%",
    ]
    # The 4 alone would be 31 - 12 - 15: its smallest non-zero partner, the 12, is hidden too.
    assert rows[2] == ["Financial", "*", "*", "15 (48.4%)", "0 (0.0%)", "0 (0.0%)", "31", "*"]


def test_a_survivor_cell_of_three_is_suppressed_with_its_secondary_cell():
    # 12 not disclosed, 10 cessation, 3 don't know of 25: the 3 is small, and the 10 (the
    # smallest other non-zero cell) goes with it, so 25 - 12 cannot give the 3 away; the
    # combined cessation share (10 of 25) would reveal the 10.
    outcomes = pd.DataFrame(
        _outcome_rows(
            "EMOTIONAL",
            {
                "NOT_DISCLOSED": 12,
                "CESSATION": 10,
                "SIGNIFICANT_REDUCTION": 0,
                "SOME_REDUCTION": 0,
                "DONT_KNOW": 3,
            },
        )
    )
    rows = idva_table(outcomes, "dv_outcomes", already_suppressed=False).body["rows"]
    assert rows == [
        ["Emotional / psychological", "12 (48.0%)", "*", "0 (0.0%)", "0 (0.0%)", "*", "25", "*"]
    ]


def _month(month_end: date, live: tuple[int, int], custody: tuple[int, int], **release: int):
    """cohort_monthly rows of one month end (area ALL): GENERIC, DV and their sum ALL."""
    rows = []
    for scheme, index in (("GENERIC", 0), ("DV", 1), ("ALL", None)):
        row = dict.fromkeys(COHORT_COLUMNS, 0) | {
            "month_end": pd.Timestamp(month_end),
            "scheme": scheme,
            "area": "ALL",
            "live_cohort": sum(live) if index is None else live[index],
            "in_custody": sum(custody) if index is None else custody[index],
        }
        if scheme == "ALL":
            row |= {f"in_custody_release_{k}": v for k, v in release.items()}
            row |= {"watchlist": 6, "live_plus_watchlist": sum(live) + 6}
        rows.append(row)
    return rows


def _due(month_end: date, by_scheme: dict[str, int], by_area: dict[str, int]) -> list[dict]:
    start = month_end.replace(day=1)
    base = {
        "window_start": pd.Timestamp(start),
        "window_end": pd.Timestamp(date(2019, start.month + 2, 28)),
        "window_label": "X",
        "actual_releases": None,
    }
    rows = [
        base | {"scheme": s, "release_area": "ALL", "due_releases": n} for s, n in by_scheme.items()
    ]
    rows += [
        base | {"scheme": "ALL", "release_area": a, "due_releases": n} for a, n in by_area.items()
    ]
    return rows


def test_figure_b_publishes_its_force_wide_rows_whole_and_protects_small_areas():
    feb, mar = date(2019, 2, 28), date(2019, 3, 31)
    cohort = pd.DataFrame(
        _month(feb, (40, 3), (10, 4), city=7, county_north=2, county_south=5)
        + _month(mar, (41, 4), (10, 4), city=11, county_north=2, county_south=1)
    )
    forecast = pd.DataFrame(
        _due(
            feb,
            {"GENERIC": 9, "DV": 3, "ALL": 12},
            {"CITY": 9, "COUNTY_NORTH": 0, "COUNTY_SOUTH": 3},
        )
        + _due(
            mar,
            {"GENERIC": 8, "DV": 4, "ALL": 12},
            {"CITY": 8, "COUNTY_NORTH": 3, "COUNTY_SOUTH": 1},
        )
    )
    marts = PublishedMarts(
        Path("unused"), mar, None, {"cohort_monthly": cohort, "release_forecast": forecast}
    )
    figure = next(f for f in cohort_section(marts).figures if f.id == "figure-b")
    rows = {row[0]: row[1:3] for row in figure.body["rows"]}
    # DV counts of 3 and 4 are shown, and so are the GENERIC and total rows beside them.
    assert rows["live DV"] == ["3", "4"] and rows["in custody DV"] == ["4", "4"]
    assert rows["due in next 3 months, DV"] == ["3", "4"]
    assert rows["due in next 3 months, GENERIC"] == ["9", "8"]
    assert rows["in custody total"] == ["14", "14"]
    # Feb: County North 2 is small; its partner is the smallest other area, County South 5.
    # Mar: County North 2 and County South 1 hide each other; City 11 stays.
    assert rows["... releasing to City"] == ["7", "11"]
    assert rows["... releasing to County North"] == ["*", "*"]
    assert rows["... releasing to County South"] == ["*", "*"]
    # Feb: County South 3 is small, County North 0 cannot protect it, so City 9 goes.
    # Mar: County North 3 and County South 1 hide each other.
    assert rows["due to City"] == ["*", "8"]
    assert rows["due to County North"] == ["0", "*"]
    assert rows["due to County South"] == ["*", "*"]
    assert rows["live watchlist"] == ["6", "6"]
    # Mar minus Feb beside each force-wide row; the protected area rows are not differenced.
    assert figure.body["header"][3] == "Change on Feb 2019"
    change = {row[0]: row[3] for row in figure.body["rows"]}
    assert change["live DV"] == "+1" and change["live total"] == "+2"
    assert change["in custody total"] == "0"
    assert change["due in next 3 months, GENERIC"] == "-1"
    assert change["total on IOM and watchlist"] == "+2"
    assert change["... releasing to City"] == "" and change["due to County North"] == ""
