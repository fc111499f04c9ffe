"""selection_candidates and selection_monthly on the hand-made population (as of 2019-03-31)."""

from __future__ import annotations

from datetime import date

from dagster_project.publish.versions import list_versions
from tests.pipeline import PipelineRun
from tests.population.fixture import key


def candidates(run: PipelineRun) -> list[dict]:
    return run.dicts("select * from marts.selection_candidates order by rank")


def test_rank_order_and_tie_breaks(population_run: PipelineRun) -> None:
    rows = candidates(population_run)
    names = {key(n): n for n in ["TIED", "TIEE", "TIEB", "TIEC", "TOPA", "EXITED", "EXACT"]}
    # TIED, TIEE: 25 x 8 = 200; TIEB: 20 x 10 = 200; TIEC: 10 x 20 = 200 (conviction weight
    # breaks the tie: 25 > 20 > 10); TIED and TIEE tie on everything: nominal_key ascending.
    # TOPA 21 x 9 = 189, EXITED 19 x 9 = 171, EXACT 15 x 10 = 150 (>= 150 is eligible).
    # Out: LOW 14 x 10 = 140; OPENSP and EXITLATE have open spells; N1, LEAP score 0.
    first_two = sorted(["TIED", "TIEE"], key=key)
    assert [names.get(r["nominal_key"]) for r in rows] == [
        *first_two,
        "TIEB",
        "TIEC",
        "TOPA",
        "EXITED",
        "EXACT",
    ]
    assert [r["rank"] for r in rows] == list(range(1, 8))
    assert [(r["rrs"], r["conviction_weight"], r["arrest_weight"]) for r in rows] == [
        (200, 25, 8),
        (200, 25, 8),
        (200, 20, 10),
        (200, 10, 20),
        (189, 21, 9),
        (171, 19, 9),
        (150, 15, 10),
    ]


def test_uplift_points_and_offence_groups(population_run: PipelineRun) -> None:
    rows = {r["nominal_key"]: r for r in candidates(population_run)}
    topa = rows[key("TOPA")]
    # without uplift: C = 7 + 7 + 5 = 19, A = 5 + 3 = 8: 152; uplift 189 - 152 = 37
    assert (topa["rrs_without_uplift"], topa["uplift_points"]) == (152, 37)
    assert topa["is_neighbourhood_crime"] is True
    assert topa["top_offence_group"] == "acquisitive"
    tiec = rows[key("TIEC")]
    # arrests: DRUGS_SUPPLY, VIOLENCE x 2, DOMESTIC_ABUSE, SEXUAL_OFFENCE: none neighbourhood;
    # groups sexual 6 and violence 4 + 2 = 6 tie: alphabetical first
    assert tiec["is_neighbourhood_crime"] is False
    assert tiec["top_offence_group"] == "sexual"
    assert (tiec["rrs_without_uplift"], tiec["uplift_points"]) == (200, 0)


def test_previous_spells_custody_and_last_arrest(population_run: PipelineRun) -> None:
    rows = {r["nominal_key"]: r for r in candidates(population_run)}
    exited = rows[key("EXITED")]
    assert exited["previous_spells"] == 2
    assert (exited["last_exit_date"], exited["last_exit_reason"]) == (
        date(2018, 1, 31),
        "DESELECTED",
    )
    # custody from 2018-11-01, not released by the as-of date
    assert exited["in_custody"] is True
    assert exited["earliest_release_date"] == date(2019, 5, 20)
    assert exited["last_arrest_date"] == date(2018, 10, 15)
    topa = rows[key("TOPA")]
    assert (topa["previous_spells"], topa["last_exit_date"], topa["last_exit_reason"]) == (
        0,
        None,
        None,
    )
    assert (topa["in_custody"], topa["earliest_release_date"]) == (False, None)
    assert topa["last_arrest_date"] == date(2018, 9, 1)


def test_selection_monthly_counts_and_the_unknown_last_month(population_run: PipelineRun) -> None:
    months = {
        r["month_end"]: r
        for r in population_run.dicts("select * from marts.selection_monthly order by month_end")
    }
    assert len(months) == 39
    counts = ("entered_next_month", "entered_below_threshold", "entries_next_month")

    def of(m: date) -> tuple:
        return tuple(months[m][c] for c in counts)

    # EXITED enters 2017-01-01 with rrs(2016-12-31) = 7 (ROBBERY) x 0 = 0: below
    assert of(date(2016, 12, 31)) == (0, 1, 1)
    # N1 enters 2018-01-15 with rrs(2017-12-31) = 7 x 0: below
    assert of(date(2017, 12, 31)) == (0, 1, 1)
    # OPENSP enters 2018-12-01 with rrs(2018-11-30) = 21 x 9 = 189: eligible
    assert of(date(2018, 11, 30)) == (1, 0, 1)
    # EXITLATE enters 2019-03-10 with rrs(2019-02-28) = 15 x 10 = 150: eligible
    assert of(date(2019, 2, 28)) == (1, 0, 1)
    assert of(date(2018, 6, 30)) == (0, 0, 0)
    # April 2019 ends after the as-of date: not known yet
    assert of(date(2019, 3, 31)) == (None, None, None)
    # eligible at 2019-02-28: the 7 candidates (same scores then) and EXITLATE (not yet on IOM)
    assert months[date(2019, 2, 28)]["eligible"] == 8
    # at 2019-03-31 EXITLATE is on IOM: the 7 candidates
    assert months[date(2019, 3, 31)]["eligible"] == 7


def test_published_version_records_the_dbt_vars(population_run: PipelineRun) -> None:
    (version,) = list_versions(population_run.data_dir)
    assert version.dbt_vars == {
        "as_of": "2019-03-31",
        "selection_threshold": 150,
        "suppression_threshold": 10,
        "count_suppression_threshold": 5,
        "evaluation_horizon_months": 12,
        "evaluation_min_comparisons": 5,
    }
