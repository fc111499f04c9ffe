"""Month on month on hand-made figures: the change texts, the ranking of the commentary, the
changes of Figure A since the previous published version and the cohort's mean score."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.report.figures import scorecard_section
from dagster_project.report.marts import PublishedMarts
from dagster_project.report.trends import (
    Change,
    change_text,
    commentary,
    figure_a_changes,
    mean_score_by_month,
    sentence,
)

FEB, MAR = date(2019, 2, 28), date(2019, 3, 31)


def _b(label: str, before: float, after: float) -> Change:
    return Change(f"Figure B, {label}", label, before, after, "Feb 2019", "Mar 2019")


def test_each_kind_of_change_is_written_with_its_unit():
    assert change_text(-14, "count") == "-14"
    assert change_text(3, "count") == "+3"
    assert change_text(0, "count") == "0"
    assert change_text(1.66, "pct") == "+1.7 percentage points"
    assert change_text(-3.21, "score") == "-3.2 points"
    assert change_text(0.25, "ratio") == "+0.25"
    assert change_text(None, "count") == ""


def test_a_sentence_names_the_figure_and_both_values():
    change = Change(
        "Figure B, live total", "the live cohort (total)", 244, 230, "Feb 2019", "Mar 2019"
    )
    assert sentence(change) == (
        "The live cohort (total) fell from 244 in Feb 2019 to 230 in Mar 2019 "
        "(-14; Figure B, live total)."
    )


def test_the_commentary_states_the_largest_changes_first():
    changes = [
        _b("live total", 244, 230),  # 14 / 244 = 0.057
        _b("in custody DV", 9, 8),  # 1 / 20 (a base under 20 counts as 20) = 0.05
        _b("live watchlist", 35, 32),  # 3 / 35 = 0.086
        _b("due in next 3 months, total", 28, 18),  # 10 / 28 = 0.357
        _b("live DV", 5, 5),  # did not move: never said
        _b("due in next 3 months, DV", 1, 0),  # 1 / 20 = 0.05
    ]
    assert commentary(changes) == [
        "Due in next 3 months, total fell from 28 in Feb 2019 to 18 in Mar 2019 "
        "(-10; Figure B, due in next 3 months, total).",
        "Live watchlist fell from 35 in Feb 2019 to 32 in Mar 2019 (-3; Figure B, live watchlist).",
        "Live total fell from 244 in Feb 2019 to 230 in Mar 2019 (-14; Figure B, live total).",
    ]
    assert commentary([_b("live DV", 5, 5)]) == []


def _scorecard(values: dict[str, tuple], as_of: date) -> pd.DataFrame:
    """scorecard rows: metric -> (section, unit, value, numerator, denominator, breakdown)."""
    return pd.DataFrame(
        [
            {
                "section": section,
                "metric": code,
                "breakdown": breakdown,
                "value": value,
                "value_label": "0-100" if unit == "band" else None,
                "numerator": numerator,
                "denominator": denominator,
                "unit": unit,
                "as_of": pd.Timestamp(as_of),
            }
            for code, (section, unit, value, numerator, denominator, breakdown) in values.items()
        ]
    )


PREVIOUS = {
    "unique_nominals": ("Process", "count", 480, None, None, "all"),
    "successful_exit_pct": ("Process", "pct", 46.0, 115, 250, "all"),
    "mode_entry_band": ("Entry", "band", 0, 180, 520, "all"),
    "mean_entry_score": ("Entry", "score", 351.0, None, 520, "all"),
    "idva_felt_safer_pct": ("DVIOM", "pct", 50.0, 6, 12, "all"),
}
CURRENT = {
    "unique_nominals": ("Process", "count", 484, None, None, "all"),
    # 125 / 262
    "successful_exit_pct": ("Process", "pct", 47.71, 125, 262, "all"),
    "mode_entry_band": ("Entry", "band", 0, 184, 524, "all"),
    "mean_entry_score": ("Entry", "score", 349.7, None, 524, "all"),
    # 3 of 12 survivors: hidden by the disclosure policy, so is its change
    "idva_felt_safer_pct": ("DVIOM", "pct", 25.0, 3, 12, "all"),
    # no previous value: no change
    "exited_nominals": ("Process", "count", 222, None, None, "all"),
}


def test_figure_a_changes_since_the_previous_version():
    changes = figure_a_changes(
        _scorecard(CURRENT, MAR),
        _scorecard(PREVIOUS, FEB),
        (FEB, MAR),
        hidden={"idva_felt_safer_pct": True},
    )
    assert set(changes) == {"unique_nominals", "successful_exit_pct", "mean_entry_score"}
    assert sentence(changes["unique_nominals"]) == (
        "Unique nominals rose from 480 on 28 Feb 2019 to 484 on 31 Mar 2019 (+4; Figure A, "
        "Process)."
    )
    assert sentence(changes["successful_exit_pct"]) == (
        "Successful exits rose from 46.0% on 28 Feb 2019 to 47.7% on 31 Mar 2019 "
        "(+1.7 percentage points; Figure A, Process)."
    )
    assert changes["mean_entry_score"].delta == pytest.approx(-1.3)
    assert figure_a_changes(_scorecard(CURRENT, MAR), None, (FEB, MAR)) == {}


def test_figure_a_tables_show_the_change_beside_each_value():
    marts = PublishedMarts(
        Path("unused"),
        MAR,
        None,
        {"scorecard": _scorecard(CURRENT, MAR)},
        previous_as_of=FEB,
        previous_scorecard=_scorecard(PREVIOUS, FEB),
    )
    figures = {f.id: f.body for f in scorecard_section(marts).figures}
    process = figures["figure-a-process"]
    assert process["header"] == ["Measure", "Value", "Change since 28 Feb 2019"]
    assert process["rows"] == [
        ["Unique nominals", "484", "+4"],
        ["Exited nominals (no open spell)", "222", ""],
        ["Successful exits", "47.7% (125 of 262 spells)", "+1.7 percentage points"],
    ]
    assert figures["figure-a-dviom"]["rows"] == [
        ["IDVA survivors who felt safer at closure", "* (small numbers)", ""]
    ]
    assert figures["figure-a-entry"]["rows"] == [
        ["Mean entry score (all spells)", "349.7 (n = 524 spells)", "-1.3 points"],
        ["Mode entry band", "0-100 (184 of 524 spells)", ""],
    ]


def test_the_mean_score_counts_the_nominals_without_a_score_row_as_zero():
    cohort = pd.DataFrame(
        [
            {
                "month_end": date(2019, 1, 31),
                "scheme": "ALL",
                "area": "ALL",
                "live_plus_watchlist": 10,
            },
            {"month_end": FEB, "scheme": "ALL", "area": "ALL", "live_plus_watchlist": 20},
            {"month_end": MAR, "scheme": "ALL", "area": "ALL", "live_plus_watchlist": 5},
            {"month_end": FEB, "scheme": "GENERIC", "area": "ALL", "live_plus_watchlist": 17},
            {"month_end": FEB, "scheme": "ALL", "area": "CITY", "live_plus_watchlist": 9},
        ]
    )
    # 8 of the 10 in January have a row, 1,500 points between them; nobody in March has one
    monthly = pd.DataFrame(
        [
            {"month_end": date(2019, 1, 31), "scored_on_iom": 8, "rrs_lfl_sum": 1500},
            {"month_end": FEB, "scored_on_iom": 20, "rrs_lfl_sum": 2500},
        ]
    )
    means = mean_score_by_month(monthly, cohort)
    assert list(means["on_iom"]) == [10, 20, 5]
    # 1,500 / 10, 2,500 / 20, 0 / 5
    assert list(means["mean_rrs"]) == [150.0, 125.0, 0.0]
