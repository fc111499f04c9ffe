"""impact_evaluation rule by rule on the hand-made fixture (tests/impact/fixture.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.pipeline import PipelineRun
from tests.population.fixture import key

MEAN_22 = -2460 / 22  # stratum (2, 2017, no custody): (9 x -120 + 9 x -100 + 4 x -120) / 22


def spells(run: PipelineRun) -> dict[str, dict]:
    return {
        row["spell_id"]: row for row in run.dicts("select * from intermediate.int_impact_spells")
    }


def strata(run: PipelineRun) -> dict[tuple, dict]:
    return {
        (row["score_band"], row["baseline_year"], row["in_custody"]): row
        for row in run.dicts("select * from intermediate.int_impact_comparison_strata")
    }


def figures(run: PipelineRun) -> dict[tuple[str, str], dict]:
    with run.published() as con:
        cursor = con.execute("select * from marts.impact_evaluation")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(row["metric"], row["breakdown"]): row for row in rows}


def test_baseline_is_the_last_month_end_before_entry_even_before_m(impact_run: PipelineRun):
    treated = spells(impact_run)
    # entry 2017-01-10 -> 2016-12-31 (the month before M); 2017-03-01 -> 2017-02-28;
    # 2018-04-30 (a month end itself) -> 2018-03-31
    assert treated["T1"]["baseline_month_end"] == date(2016, 12, 31)
    assert treated["TMD"]["baseline_month_end"] == date(2017, 2, 28)
    assert treated["TL"]["baseline_month_end"] == date(2018, 3, 31)
    # S0 of T1 from the Python scoring at 2016-12-31: C 7 x A 7
    assert treated["T1"]["baseline_score"] == 49
    assert (treated["T1"]["score_band"], treated["T1"]["baseline_year"]) == (0, 2016)
    # ... without adding that month end to monthly_scores (M only)
    before_m = impact_run.rows(
        "select count(*) from marts.monthly_scores where month_end < date '2017-01-31'"
    )
    assert before_m == [(0,)]
    # no comparison month lies in 2016, so T1 is unmatched (stratum has 0 < K)
    assert not treated["T1"]["is_matched"]


def test_horizon_at_month_ends(impact_run: PipelineRun):
    treated = spells(impact_run)
    # b = 2018-03-31: last_day(b + 12 months) = 2019-03-31 <= L; b = 2018-04-30 -> 2019-04-30
    assert "TL" in treated
    assert "TN" not in treated
    assert treated["TL"]["horizon_month_end"] == date(2019, 3, 31)
    assert treated["TMD"]["horizon_month_end"] == date(2018, 2, 28)
    # T2: S1 read at 2018-05-31 = C 10 x A 2 (THEFT 2018-01-15); observed 20 - 120
    assert treated["T2"]["followup_score"] == 20
    assert treated["T2"]["observed_change"] == -100
    # 18-month horizon: b <= 2017-09-30 (TX, TK yes, via 2017-09-30 + 18 months = 2019-03-30,
    # last_day 2019-03-31); b = 2017-10-31 (TH) -> 2019-04-30 > L
    assert treated["TX"]["has_reoffending_horizon"]
    assert treated["TK"]["has_reoffending_horizon"]
    assert not treated["TH"]["has_reoffending_horizon"]


def test_comparison_months_near_a_spell_are_left_out_but_people_picked_later_stay(
    impact_run: PipelineRun,
):
    # C1 9 + C2 9 + CX 4 (Jul, Aug, Nov, Dec 2017): leaving CX out altogether would give 18,
    # excluding only months with a spell open at m would give 5 of CX's (Jul, Aug, Sep, Nov,
    # Dec) and 23
    stratum = strata(impact_run)[(2, 2017, False)]
    assert stratum["comparison_person_months"] == 22
    assert stratum["mean_change"] == pytest.approx(MEAN_22)
    # 18-month horizon (m <= 2017-09-30): C1 6 + C2 6 + CX 2 = 14, C1's 6 reoffend once
    assert stratum["reoffending_person_months"] == 14
    assert stratum["reoffending_rate"] == pytest.approx(6 / 14)
    assert stratum["reoffences_per_person_month"] == pytest.approx(6 / 14)
    # the treated people themselves are never comparisons while their spell is near or open
    treated_keys = [key(n) for n in ("TA", "TB", "TH", "TK")]
    rows = impact_run.rows(
        "select count(*) from intermediate.int_impact_spells where nominal_key in (?, ?, ?, ?)",
        treated_keys,
    )
    assert rows == [(4,)]


def test_band_is_capped_at_20(impact_run: PipelineRun):
    treated = spells(impact_run)
    # TH: 1200 -> floor 24 -> 20, matched to CH's 1080 (floor 21 -> 20): 5 months, -1080 each
    assert treated["TH"]["score_band"] == 20
    assert strata(impact_run)[(20, 2017, False)]["comparison_person_months"] == 5
    assert treated["TH"]["is_matched"]
    assert treated["TH"]["expected_change"] == pytest.approx(-1080)
    assert treated["TH"]["effect"] == pytest.approx(-1200 + 1080)


def test_fewer_than_k_comparison_months_leave_a_spell_unmatched(impact_run: PipelineRun):
    # TK's stratum (4, 2017): CK's Sep .. Dec 2017 = 4 < K = 5; TH's has exactly 5 (matched)
    assert strata(impact_run)[(4, 2017, False)]["comparison_person_months"] == 4
    treated = spells(impact_run)
    assert not treated["TK"]["is_matched"]
    assert treated["TK"]["expected_change"] is None


def test_a_zero_baseline_is_unmatched(impact_run: PipelineRun):
    # TZ: no events, S0 = 0, although stratum (0, 2017) has C0's 12 months
    assert strata(impact_run)[(0, 2017, False)]["comparison_person_months"] == 12
    treated = spells(impact_run)
    assert treated["TZ"]["baseline_score"] == 0
    assert not treated["TZ"]["is_matched"]


def test_a_same_day_scheme_move_is_not_a_new_treatment(impact_run: PipelineRun):
    treated = spells(impact_run)
    assert "TMD" in treated and treated["TMD"]["scheme"] == "DV"
    assert "TMG" not in treated


def test_proven_reoffending_waits_six_months_for_the_courts(impact_run: PipelineRun):
    treated = spells(impact_run)
    # T2 (b = 2017-05-31): BR1 (convicted 2018-11-30, the last court day) and BR2 (offence
    # 2018-05-31, the last window day) count; BR3 (offence after the window) and BR4
    # (convicted 2018-12-01) do not
    assert treated["T2"]["reoffences"] == 2
    # TX (b = 2017-09-30): convicted 2019-03-31 = last_day(2017-09-30 + 18 months)
    assert treated["TX"]["reoffences"] == 1
    assert treated["TH"]["reoffences"] is None  # no 18-month horizon


def test_the_mart_hand_computed(impact_run: PipelineRun):
    f = figures(impact_run)
    value = {k: row["value"] for k, row in f.items()}
    # treated T1, T2, TX, TH, TK, TZ, TMD, TL; matched T2, TX, TH
    assert (value["treated_spells", "all"], value["matched_spells", "all"]) == (8, 3)
    assert value["unmatched_spells", "all"] == 5
    assert (value["treated_spells", "GENERIC"], value["treated_spells", "DV"]) == (7, 1)
    assert (value["matched_spells", "DV"], value["unmatched_spells", "DV"]) == (0, 1)
    assert value["mean_baseline_score", "all"] == pytest.approx((120 + 120 + 1200) / 3)
    observed = (-100 - 120 - 1200) / 3
    expected = (MEAN_22 + MEAN_22 - 1080) / 3
    assert value["mean_observed_change", "all"] == pytest.approx(observed)
    assert value["mean_expected_change", "all"] == pytest.approx(expected)
    assert value["mean_effect", "all"] == pytest.approx(observed - expected)
    assert value["naive_change_pct", "all"] == pytest.approx(100 * observed / 480)
    assert f["naive_change_pct", "all"]["numerator"] == pytest.approx(observed)
    assert f["naive_change_pct", "all"]["denominator"] == pytest.approx(480)
    assert value["effect_pct", "all"] == pytest.approx(100 * (observed - expected) / 480)
    assert value["rtm_share_pct", "all"] == pytest.approx(100 * expected / observed)
    # strata (2, 2017) 22 + (20, 2017) 5
    assert value["comparison_person_months", "all"] == 27
    assert value["mean_effect", "DV"] is None
    # effects 11.82, -8.18, -120: the interval lies within them and around the mean; the mart
    # rounds to 10 decimals, so a bound may pass the largest effect by half a unit of that place
    low, high = value["effect_ci_low", "all"], value["effect_ci_high", "all"]
    rounding = 5e-11
    assert -120 - rounding <= low <= observed - expected <= high <= -MEAN_22 - 100 + rounding
    # reoffending: treated with b <= 2017-09-30: T1, T2, TX, TK, TZ, TMD; matched T2, TX
    assert value["reoffending_treated_spells", "all"] == 6
    assert value["reoffending_treated_spells", "DV"] == 1
    assert value["reoffending_matched_spells", "all"] == 2
    assert value["reoffending_rate_treated", "all"] == pytest.approx(100)
    assert f["reoffending_rate_treated", "all"]["numerator"] == 2
    assert value["reoffending_rate_expected", "all"] == pytest.approx(100 * 6 / 14)
    assert f["reoffending_rate_expected", "all"]["numerator"] == pytest.approx(2 * 6 / 14)
    # 2 + 1 reoffences over 2 matched spells
    assert value["reoffending_frequency_treated", "all"] == pytest.approx(150)
    assert f["reoffending_frequency_treated", "all"]["unit"] == "per_100"
    assert value["reoffending_frequency_expected", "all"] == pytest.approx(100 * 6 / 14)
    assert {row["section"] for row in f.values()} == {"impact", "reoffending"}
    assert len(f) == 3 * (13 + 6)


def test_the_vars_are_recorded_with_the_published_version(impact_run: PipelineRun):
    versions = sorted((impact_run.data_dir / "versions").glob("*/version.json"))
    recorded = json.loads(versions[-1].read_text())["dbt_vars"]
    assert recorded["evaluation_horizon_months"] == 12
    assert recorded["evaluation_min_comparisons"] == 5
