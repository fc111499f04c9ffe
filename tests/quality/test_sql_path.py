"""Big tables are checked in DuckDB SQL instead of GX on pandas: both paths give one verdict."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.quality.suites import mart_suites, staging_suites
from dagster_project.quality.validate import GxRunner, run_suite

AS_OF = date(2019, 3, 31)


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema staging; create schema marts")
    con.execute(
        """
        create table staging.stg_ppit_assessments as select * from (values
            ('P1', 'k1', 60, date '2018-03-05'),
            ('P2', 'k2', 150, date '2018-04-10'),   -- out of range
            ('P3', 'k3', 40, date '2019-04-01'),    -- after the as-of date
            ('P4', 'k4', null, date '2018-01-01')   -- no score: dbt's not-null check, not GX's
        ) t(assessment_id, nominal_key, ppit_score, assessment_date)
        """
    )
    con.execute(
        """
        create table marts.dv_outcomes as select * from (values
            -- typed as the mart's dbt contract says (the schema check reads it)
            ('PHYSICAL', 'CESSATION', 1, 2, 50.0::double, 50.0::double),
            ('PHYSICAL', 'CESSATION', 1, 2, 50.0, 50.0),   -- duplicate key
            ('SHOUTING', 'DONT_KNOW', 0, 0, null, null)    -- unknown abuse type
        ) t(abuse_type, outcome, cases, total_cases, pct, cessation_or_significant_pct)
        """
    )
    yield con
    con.close()


def verdicts(outcomes) -> dict[tuple[str, str], tuple[bool, str]]:
    return {(o.asset, o.check_name): (o.passed, o.observed_value) for o in outcomes}


def test_sql_and_gx_agree_on_every_check(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path):
    suites = [
        *(s for s in staging_suites(AS_OF) if s.table == "stg_ppit_assessments"),
        *(s for s in mart_suites(AS_OF) if s.table == "dv_outcomes"),
    ]
    runner = GxRunner(tmp_path / "docs")
    for suite in suites:
        by_gx = verdicts(run_suite(warehouse, suite, runner, gx_max_rows=1_000))
        by_sql = verdicts(run_suite(warehouse, suite, runner, gx_max_rows=0))
        assert by_gx == by_sql

    ppit = verdicts(run_suite(warehouse, suites[0], runner, gx_max_rows=0))
    prefix = "staging/stg_ppit_assessments"
    assert ppit[(prefix, "schema")][0] is True
    assert (prefix, "not_null") not in ppit
    assert ppit[(prefix, "ranges")] == (
        False,
        "expect_column_values_to_be_between(ppit_score): 1 unexpected rows; "
        "expect_column_values_to_be_between(assessment_date): 1 unexpected rows",
    )
    outcomes = verdicts(run_suite(warehouse, suites[1], runner, gx_max_rows=0))
    assert outcomes[("marts/dv_outcomes", "keys_unique")] == (
        False,
        "expect_compound_columns_to_be_unique(abuse_type,outcome): 2 unexpected rows",
    )
    assert outcomes[("marts/dv_outcomes", "accepted_values")] == (
        False,
        "expect_column_values_to_be_in_set(abuse_type): 1 unexpected rows",
    )
    assert outcomes[("marts/dv_outcomes", "ranges")][0] is True


def test_a_missing_column_fails_the_schema_check_and_skips_the_rules(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
):
    warehouse.execute("alter table staging.stg_ppit_assessments rename ppit_score to score")
    suite = next(s for s in staging_suites(AS_OF) if s.table == "stg_ppit_assessments")
    outcomes = verdicts(run_suite(warehouse, suite, GxRunner(tmp_path / "docs"), 1_000))
    assert outcomes[("staging/stg_ppit_assessments", "schema")] == (False, "ppit_score missing")
    assert outcomes[("staging/stg_ppit_assessments", "ranges")] == (False, "not run: schema broken")
