"""monthly_scores on the hand-made population: month-end windows, leap years, status columns."""

from __future__ import annotations

from datetime import date

from tests.pipeline import PipelineRun
from tests.population.fixture import key


def rows_of(run: PipelineRun, who: str) -> dict[date, dict]:
    return {
        row["month_end"]: row
        for row in run.dicts(
            "select * from marts.monthly_scores where nominal_key = ? order by month_end",
            [key(who)],
        )
    }


def test_leap_day_arrest_counts_on_28_february_of_the_next_year(
    population_run: PipelineRun,
) -> None:
    leap = rows_of(population_run, "LEAP")
    # the conviction of 2014-03-31 counts at every month end of M from 2016-01-31 to
    # 2019-02-28 (2019-02-28 - 5 years = 2014-02-28 < 2014-03-31) but not at 2019-03-31
    # (2019-03-31 - 5 years = 2014-03-31, not before it): 38 month ends, C = 5 (BURGLARY)
    assert len(leap) == 38
    assert min(leap) == date(2016, 1, 31) and max(leap) == date(2019, 2, 28)
    assert {row["conviction_weight"] for row in leap.values()} == {5}
    # the arrest of 2016-02-29 (THEFT 2) counts from 2016-02-29 to 2017-02-28: 13 month ends
    with_arrest = sorted(m for m, row in leap.items() if row["arrest_weight"] == 2)
    assert with_arrest[0] == date(2016, 2, 29) and with_arrest[-1] == date(2017, 2, 28)
    assert len(with_arrest) == 13
    assert leap[date(2017, 2, 28)]["rrs"] == 5 * 2
    assert leap[date(2017, 2, 28)]["matrix_version"] == 1
    assert leap[date(2017, 3, 31)]["rrs"] == 0 and leap[date(2017, 3, 31)]["arrest_weight"] == 0
    assert leap[date(2016, 1, 31)]["rrs"] == 0
    assert not any(row["is_on_iom"] or row["in_custody"] for row in leap.values())


def test_every_row_has_a_component_and_rrs_is_their_product(population_run: PipelineRun) -> None:
    # Every code of the fixture weighs the same under both matrix versions (v2 only adds
    # uplifts), so a component under the newest version is one under the version in force:
    # each row must carry a conviction or an arrest weight of its own.
    bad = population_run.rows(
        "select count(*) from marts.monthly_scores where not ("
        "coalesce(conviction_weight, 0) > 0 or coalesce(arrest_weight, 0) > 0) "
        "or rrs <> conviction_weight * arrest_weight"
    )
    assert bad == [(0,)]
    months = population_run.rows(
        "select count(distinct month_end), min(month_end), max(month_end) from marts.monthly_scores"
    )
    # 2016-01-31 .. 2019-03-31: 3 x 12 + 3 = 39 month ends
    assert months == [(39, date(2016, 1, 31), date(2019, 3, 31))]
    # CUSTONLY has no conviction or arrest: no row
    assert population_run.rows(
        "select count(*) from marts.monthly_scores where nominal_key = ?", [key("CUSTONLY")]
    ) == [(0,)]


def test_nominal_status_columns(population_run: PipelineRun) -> None:
    n1 = rows_of(population_run, "N1")
    # ROBBERY 2017-06-01 counts from 2017-06-30; the spell opens 2018-01-15
    assert min(n1) == date(2017, 6, 30)
    assert n1[date(2017, 12, 31)]["is_on_iom"] is False
    assert n1[date(2017, 12, 31)]["scheme"] is None
    assert n1[date(2018, 1, 31)]["is_on_iom"] is True
    assert n1[date(2018, 1, 31)]["scheme"] == "GENERIC"
    # BURGLARY arrest 2018-02-10 counts at 2018-02-28 .. 2019-01-31 (12 month ends): 7 x 5
    assert [m for m, row in n1.items() if row["rrs"] == 35] == [
        date(2018, m, 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31) for m in range(2, 13)
    ] + [date(2019, 1, 31)]
    assert n1[date(2019, 2, 28)]["rrs"] == 0
    # custody 2018-05-01, released 2018-08-01: in custody at the May, June and July month ends
    assert [m for m, row in n1.items() if row["in_custody"]] == [
        date(2018, 5, 31),
        date(2018, 6, 30),
        date(2018, 7, 31),
    ]
    opensp = rows_of(population_run, "OPENSP")
    assert opensp[date(2018, 11, 30)]["is_on_iom"] is False
    assert opensp[date(2018, 12, 31)]["scheme"] == "DV"
    # 21 x 9 under v2 from the VEHICLE_CRIME arrest of 2018-09-01 on
    assert opensp[date(2018, 11, 30)]["rrs"] == 189
    # the weapon-enabled BURGLARY counts 5 + 2 under v2 also before v2 was in force (lfl):
    # at 2018-03-31 (v1 in force) C = 7 + 7 = 14, C_lfl the same (the BURGLARY is later)
    assert opensp[date(2018, 3, 31)]["conviction_weight"] == 14
