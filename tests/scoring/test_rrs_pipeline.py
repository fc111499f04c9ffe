"""RRS in a real pipeline run: window edges, matrix versions, like for like, re-entry."""

from pathlib import Path

import pytest

from tests.landing import event, spell, write_landing
from tests.pipeline import PipelineRun, run_on


def conviction(event_id: str, nominal: str, code: str, on: str, weapon: str = "N") -> dict:
    return event("conviction", event_id, nominal, code, on, weapon)


def arrest(event_id: str, nominal: str, code: str, on: str, weapon: str = "N") -> dict:
    return event("arrest", event_id, nominal, code, on, weapon)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root: Path = tmp_path_factory.mktemp("rrs")
    landing = write_landing(
        root / "landing",
        {
            "iom_register": [
                spell("R1", "EDGE5Y", "2018-06-15"),
                spell("R2", "EDGE12M", "2018-09-10"),
                spell("R3", "WEAPON", "2018-03-31", "2018-04-01", "OTHER"),
                spell("R4", "NOARREST", "2018-05-01"),
                spell("R5A", "REENTRY", "2016-03-01", "2017-03-01", "SUCCESSFUL"),
                spell("R5B", "REENTRY", "2018-01-15"),
                spell("R6", "LEAPDAY", "2016-02-29"),
            ],
            "convictions": [
                # exactly 5 years before 2018-06-15 is out, one day later is in
                conviction("C1", "EDGE5Y", "ROBBERY", "2013-06-15"),
                conviction("C2", "EDGE5Y", "BURGLARY", "2013-06-16"),
                conviction("C3", "EDGE12M", "SHOPLIFTING", "2016-01-01"),
                conviction("C4", "WEAPON", "ROBBERY", "2017-01-01", weapon="Y"),
                conviction("C5", "NOARREST", "BURGLARY", "2017-01-01"),
                conviction("C6", "REENTRY", "THEFT", "2015-06-01", weapon="Y"),
                # 29 Feb 2016 - 5 years = 28 Feb 2011 (clamped): that day is out
                conviction("C7", "LEAPDAY", "ROBBERY", "2011-02-28"),
                conviction("C8", "LEAPDAY", "BURGLARY", "2011-03-01"),
            ],
            "arrests": [
                arrest("A1", "EDGE5Y", "THEFT", "2018-01-01"),
                # exactly 12 months before 2018-09-10 is out, one day later is in
                arrest("A2", "EDGE12M", "BURGLARY", "2017-09-10"),
                arrest("A3", "EDGE12M", "VEHICLE_CRIME", "2017-09-11"),
                arrest("A4", "WEAPON", "VIOLENCE_WITH_INJURY", "2017-12-01", weapon="Y"),
                arrest("A5", "REENTRY", "SHOPLIFTING", "2016-02-01"),
                arrest("A6", "REENTRY", "PUBLIC_ORDER", "2017-12-01", weapon="Y"),
                arrest("A7", "LEAPDAY", "ROBBERY", "2015-02-28"),
                arrest("A8", "LEAPDAY", "THEFT", "2015-03-01"),
            ],
        },
    )
    result = run_on(landing, root / "data")
    assert result.outcome.success, result.outcome.failures
    return result


def spell_scores(run: PipelineRun, spell_id: str) -> dict:
    (row,) = run.dicts("select * from marts.nominal_scores where spell_id = ?", [spell_id])
    return row


def test_conviction_exactly_five_years_before_is_out_one_day_later_in(run: PipelineRun) -> None:
    row = spell_scores(run, "R1")
    # C = burglary 5 (robbery on the boundary is out); A = theft 2 (v2, no weapon)
    assert (row["matrix_version"], row["entry_score"]) == (2, 10)


def test_arrest_exactly_twelve_months_before_is_out_one_day_later_in(run: PipelineRun) -> None:
    row = spell_scores(run, "R2")
    # C = shoplifting 1; A = vehicle crime 3 (burglary on the boundary is out)
    assert row["entry_score"] == 3


def test_weapon_uplift_only_under_v2_and_like_for_like_uses_v2(run: PipelineRun) -> None:
    row = spell_scores(run, "R3")
    # 2018-03-31 is v1: robbery 7 x violence with injury 4, no uplift
    assert (row["matrix_version"], row["entry_score"]) == (1, 28)
    # like for like (v2): (7 + 3) x (4 + 3)
    assert row["entry_score_lfl"] == 70
    # 2018-04-01 is v2: the uplift applies to the same events
    assert (row["exit_score"], row["exit_score_lfl"]) == (70, 70)
    assert row["reduction"] == 42


def test_nominal_without_arrests_scores_zero(run: PipelineRun) -> None:
    row = spell_scores(run, "R4")
    assert (row["entry_score"], row["mid_score"], row["latest_score"]) == (0, 0, 0)
    (components,) = run.rows(
        "select conviction_weight, arrest_weight from scoring.rrs_scores "
        "where nominal_key = ? and scoring_date = date '2018-05-01'",
        [row["nominal_key"]],
    )
    assert components == (5, 0)


def test_reentry_spells_are_scored_on_their_own_dates(run: PipelineRun) -> None:
    first, second = spell_scores(run, "R5A"), spell_scores(run, "R5B")
    # 2016-03-01 (v1): theft 2 x shoplifting 1; lfl: (2 + 1) x 1
    assert (first["entry_score"], first["entry_score_lfl"]) == (2, 3)
    # mid 2016-03-01 + floor(365 / 2) = 2016-08-30: shoplifting still in the window
    assert (str(first["mid_date"]), first["mid_score"]) == ("2016-08-30", 2)
    # exit 2017-03-01: the shoplifting arrest has left the 12-month window
    assert (first["exit_score"], first["exit_score_lfl"]) == (0, 0)
    # 2018-01-15 (v1): theft 2 x public order 1 (no uplift in v1); lfl: 3 x (1 + 1)
    assert (second["entry_score"], second["entry_score_lfl"]) == (2, 6)
    # as of 2019-03-31 no arrest in the last 12 months
    assert second["latest_score"] == 0


def test_leap_day_windows_clamp_to_the_end_of_february(run: PipelineRun) -> None:
    row = spell_scores(run, "R6")
    # burglary 5 (robbery on 28 Feb 2011 is out) x theft 2 (robbery on 28 Feb 2015 is out)
    assert (row["matrix_version"], row["entry_score"]) == (1, 10)


def test_every_nominal_is_scored_as_of_the_as_of_date(run: PipelineRun) -> None:
    (count,) = run.rows(
        "select count(distinct nominal_key) from scoring.rrs_scores "
        "where scoring_date = date '2019-03-31'"
    )[0]
    assert count == 6
