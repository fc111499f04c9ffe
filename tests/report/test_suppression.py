"""The small-number rule: primary suppression of small counts, secondary of their partners."""

import pandas as pd

from dagster_project.presentation.format import percentage
from dagster_project.report.figures import idva_table
from dagster_project.report.suppression import (
    COUNT_THRESHOLD,
    VICTIM_THRESHOLD,
    is_small,
    show_count,
    suppress_groups,
    suppress_table,
)


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


def test_a_percentage_is_hidden_when_either_side_of_it_is_a_small_count_of_people():
    exits = (44.78, 103, 230, "spells")
    assert percentage(*exits, COUNT_THRESHOLD) == "44.8% (103 of 230 spells)"
    # A ratio of mean scores shows both means.
    assert percentage(-42.67, -25.3, 59.3, "points") == "-42.7% (-25.3 / 59.3 points)"
    # 31 of 36 felt safer: the 5 who did not are a small number of victims.
    felt_safer = (86.1, 31, 36, "survivors")
    assert percentage(*felt_safer, VICTIM_THRESHOLD) == "* (small numbers)"
    assert percentage(*felt_safer, COUNT_THRESHOLD) == "86.1% (31 of 36 survivors)"


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
