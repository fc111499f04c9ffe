"""cohort_monthly per area on the hand-made population: the full grid and the roll-ups."""

from __future__ import annotations

from datetime import date

from tests.pipeline import PipelineRun


def cell(run: PipelineRun, month_end: date, scheme: str, area: str, column: str) -> int:
    (row,) = run.rows(
        f"select {column} from marts.cohort_monthly "
        "where month_end = ? and scheme = ? and area = ?",
        [month_end, scheme, area],
    )
    return row[0]


def test_full_grid_and_area_counts(population_run: PipelineRun) -> None:
    # 39 month ends x 3 schemes x 4 areas
    assert population_run.rows("select count(*) from marts.cohort_monthly") == [(468,)]
    march = date(2019, 3, 31)
    # open at 2019-03-31: N1 (GENERIC, CITY), EXITLATE (GENERIC, COUNTY_NORTH),
    # OPENSP (DV, COUNTY_SOUTH)
    expected = {
        ("GENERIC", "CITY"): 1,
        ("GENERIC", "COUNTY_NORTH"): 1,
        ("GENERIC", "COUNTY_SOUTH"): 0,
        ("GENERIC", "ALL"): 2,
        ("DV", "COUNTY_SOUTH"): 1,
        ("DV", "CITY"): 0,
        ("DV", "ALL"): 1,
        ("ALL", "CITY"): 1,
        ("ALL", "COUNTY_NORTH"): 1,
        ("ALL", "COUNTY_SOUTH"): 1,
        ("ALL", "ALL"): 3,
    }
    found = {k: cell(population_run, march, *k, "live_cohort") for k in expected}
    assert found == expected
    # 2018-06-30: N1 (CITY) in custody, releasing to CITY
    june = date(2018, 6, 30)
    for scheme, area in [("GENERIC", "CITY"), ("ALL", "CITY"), ("ALL", "ALL")]:
        assert cell(population_run, june, scheme, area, "in_custody_release_city") == 1
    assert cell(population_run, june, "ALL", "COUNTY_NORTH", "in_custody") == 0


def test_areas_sum_to_all(population_run: PipelineRun) -> None:
    mismatches = population_run.rows(
        """
        select month_end, scheme
        from marts.cohort_monthly
        group by month_end, scheme
        having sum(live_plus_watchlist) filter (where area = 'ALL')
            <> sum(live_plus_watchlist) filter (where area <> 'ALL')
            or sum(in_custody) filter (where area = 'ALL')
            <> sum(in_custody) filter (where area <> 'ALL')
        """
    )
    assert mismatches == []
