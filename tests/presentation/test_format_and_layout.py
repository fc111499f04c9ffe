"""The shared formatter and the Figure B layout on hand-made rows (no warehouse needed)."""

from datetime import date

from dagster_project.presentation.figure_b import figure_b, format_figure_b
from dagster_project.presentation.format import (
    band,
    count,
    mean,
    p_value,
    percentage,
    scorecard_value,
    window,
)
from dagster_project.transform.dbt_files import COHORT_COLUMNS, area_names, dbt_vars


def test_each_kind_of_figure_says_what_it_counts():
    assert percentage(44.78, 103, 230, "spells") == "44.8% (103 of 230 spells)"
    assert band("0-100", 215, 527, "spells") == "0-100 (215 of 527 spells)"
    assert mean(340.46, 527, "spells") == "340.5 (n = 527 spells)"
    assert count(1234.0) == "1,234"
    assert p_value(0.00001) == "p < 0.001" and p_value(0.0123) == "p = 0.012"
    assert window(date(2017, 11, 1), date(2018, 1, 31)) == "Nov 2017 - Jan 2018"


def test_a_threshold_hides_small_counts_but_never_mean_scores():
    # 3 of 10: the numerator is small; 8 of 10: the remainder 2 is not a cell of its own
    # (docs/disclosure.md); 4 of 4: a rate of fewer people than the threshold.
    assert percentage(30.0, 3, 10, "spells", 5) == "* (small numbers)"
    assert percentage(80.0, 8, 10, "spells", 5) == "80.0% (8 of 10 spells)"
    assert percentage(0.0, 0, 4, "spells", 5) == "* (small numbers)"
    assert percentage(50.0, 5, 10, "spells", 5) == "50.0% (5 of 10 spells)"
    assert band("0-100", 4, 10, "spells", 5) == "0-100 (* of 10 spells)"
    ratio = {"unit": "pct", "value": -74.8, "numerator": -2.0, "denominator": 3.0}
    assert scorecard_value(ratio, "points", 5) == "-74.8% (-2 / 3 points)"


def _cohort_row(month_end: date, scheme: str, area: str, n: int) -> dict:
    return {"month_end": month_end, "scheme": scheme, "area": area} | dict.fromkeys(
        COHORT_COLUMNS, n
    )


def test_figure_b_reads_the_all_areas_roll_up_when_cohort_monthly_is_split_by_area():
    months = [date(2019, 1, 31), date(2019, 2, 28)]
    # each area holds 1 nominal per cell, the roll-up 3 (= 1 + 1 + 1)
    cohort = [
        _cohort_row(m, scheme, area, 3 if area == "ALL" else 1)
        for m in months
        for scheme in ("GENERIC", "DV", "ALL")
        for area in (*area_names(), "ALL")
    ]
    forecast = [
        {
            "window_start": m.replace(day=1),
            "window_end": date(2019, m.month + 2, 28 if m.month == 12 else 30),
            "window_label": f"{m:%b}-X 2019".upper(),
            "scheme": scheme,
            "release_area": area,
            "due_releases": 2,
        }
        for m in months
        for scheme in ("GENERIC", "DV", "ALL")
        for area in (*area_names(), "ALL")
    ]
    split = figure_b(cohort, forecast, 2)
    assert dict(split.rows)["live total"] == [3, 3]
    unsplit = figure_b([r for r in cohort if r["area"] == "ALL"], forecast, 2)
    assert format_figure_b(split) == format_figure_b(unsplit)
    assert split.window_ranges == ["Jan 2019 - Mar 2019", "Feb 2019 - Apr 2019"]
    assert [label for label, _ in split.rows if "releasing" in label] == [
        "  ... releasing to City",
        "  ... releasing to County North",
        "  ... releasing to County South",
    ]


def test_the_thresholds_are_the_dbt_vars():
    from dagster_project.report.suppression import COUNT_THRESHOLD, VICTIM_THRESHOLD

    variables = dbt_vars()
    assert (
        variables["suppression_threshold"],
        variables["count_suppression_threshold"],
    ) == (VICTIM_THRESHOLD, COUNT_THRESHOLD)
