"""The cross-mart reconciliations on hand-made marts (the marts' own models land separately)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.quality.checks import RECONCILIATIONS


def verdict(con: duckdb.DuckDBPyConnection, name: str) -> tuple[bool, str]:
    check = next(c for c in RECONCILIATIONS if c.name == name)
    passed, observed = con.execute(check.sql).fetchone()
    return bool(passed), observed


@pytest.fixture
def marts(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.nominal_scores as select * from (values
            ('S1', 'k1'), ('S2', 'k1'), ('S3', 'k2'), ('S4', 'k3')
        ) t(spell_id, nominal_key)
        """
    )
    con.execute(
        """
        create table marts.scorecard as select * from (values
            ('volumes', 'unique_nominals', 'all', 3.0),
            ('volumes', 'unique_nominals', '2018', 9.0)
        ) t(section, metric, breakdown, value)
        """
    )
    counts = "live_cohort, in_custody, in_custody_release_city, in_custody_release_county_north, "
    counts += "in_custody_release_county_south, watchlist, live_plus_watchlist"
    con.execute(
        f"""
        create table marts.cohort_monthly as select * from (values
            (date '2019-01-31', 'GENERIC', 5, 1, 1, 0, 0, 1, 6),
            (date '2019-01-31', 'DV', 2, 0, 0, 0, 0, 0, 2),
            (date '2019-01-31', 'ALL', 7, 1, 1, 0, 0, 1, 8),
            (date '2019-02-28', 'GENERIC', 5, 1, 1, 0, 0, 1, 6),
            (date '2019-02-28', 'DV', 2, 0, 0, 0, 0, 0, 2),
            (date '2019-02-28', 'ALL', 7, 1, 1, 0, 0, 1, 8)
        ) t(month_end, scheme, {counts})
        """
    )
    # every nominal in CITY: the CITY rows equal the ALL-area rows, the other areas are 0
    con.execute(
        """
        create or replace table marts.cohort_monthly as
        select month_end, scheme, area.area, columns(* exclude (month_end, scheme, area)) *
            case when area.area in ('ALL', 'CITY') then 1 else 0 end
        from marts.cohort_monthly
        cross join (values ('ALL'), ('CITY'), ('COUNTY_NORTH'), ('COUNTY_SOUTH')) area(area)
        """
    )
    con.execute(
        """
        create table marts.dv_outcomes as select * from (values
            ('PHYSICAL', 'CESSATION', 1, 3, 100.0 / 3),
            ('PHYSICAL', 'DONT_KNOW', 2, 3, 200.0 / 3),
            ('STALKING', 'CESSATION', 0, 0, null)
        ) t(abuse_type, outcome, cases, total_cases, pct)
        """
    )
    yield con
    con.close()


def test_consistent_marts_reconcile(marts: duckdb.DuckDBPyConnection):
    # 3 distinct nominal keys (k1 twice); the 2018 breakdown is not the 'all' figure.
    assert verdict(marts, "unique_nominals_reconcile") == (True, "scorecard 3.0, nominal_scores 3")
    assert verdict(marts, "schemes_add_up") == (True, "0 month ends where ALL <> GENERIC + DV")
    assert verdict(marts, "areas_add_up") == (
        True,
        "0 month ends x schemes where ALL <> the sum of the areas",
    )
    # 1/3 + 2/3 is 100 within rounding; STALKING has no closed case and is left out.
    assert verdict(marts, "pct_sums_to_100") == (True, "all abuse types sum to 100")


def test_mismatches_are_named(marts: duckdb.DuckDBPyConnection):
    marts.execute("update marts.scorecard set value = 4 where breakdown = 'all'")
    marts.execute(
        "update marts.cohort_monthly set watchlist = 2 "
        "where scheme = 'ALL' and area = 'ALL' and month_end = date '2019-02-28'"
    )
    marts.execute("update marts.dv_outcomes set pct = 50 where outcome = 'CESSATION'")
    assert verdict(marts, "unique_nominals_reconcile") == (False, "scorecard 4.0, nominal_scores 3")
    assert verdict(marts, "schemes_add_up") == (False, "1 month ends where ALL <> GENERIC + DV")
    # the ALL-area, ALL-scheme row of 2019-02-28 no longer equals CITY + the others
    assert verdict(marts, "areas_add_up") == (
        False,
        "1 month ends x schemes where ALL <> the sum of the areas",
    )
    assert verdict(marts, "pct_sums_to_100") == (False, "PHYSICAL 116.666667")
