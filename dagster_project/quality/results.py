"""quality.check_results: every check verdict of every run, GX, SQL and dbt alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
import duckdb


@dataclass(frozen=True)
class CheckOutcome:
    """One asset check's verdict, as recorded in quality.check_results."""

    asset: str
    check_name: str
    severity: str
    passed: bool
    observed_value: str
    seconds: float = 0.0


DDL = """
create schema if not exists quality;
create table if not exists quality.check_results (
    run_id varchar not null,
    check_name varchar not null,
    asset varchar not null,
    severity varchar not null,
    passed boolean not null,
    observed_value varchar,
    seconds double,
    checked_at timestamp not null default current_timestamp
);
"""


def record(con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Iterable[CheckOutcome]) -> None:
    con.execute(DDL)
    rows = [
        (run_id, o.check_name, o.asset, o.severity, o.passed, o.observed_value, o.seconds)
        for o in outcomes
    ]
    if rows:
        con.executemany(
            "insert into quality.check_results "
            "(run_id, check_name, asset, severity, passed, observed_value, seconds) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def record_dbt_tests(
    con: duckdb.DuckDBPyConnection, run_id: str, verdicts: Iterable[dg.AssetCheckResult]
) -> None:
    """dbt tests arrive as dagster-dbt check results; they share the table with the others."""
    record(
        con,
        run_id,
        (
            CheckOutcome(
                asset=v.asset_key.to_user_string(),
                check_name=v.check_name,
                severity=v.severity.value,
                passed=v.passed,
                observed_value=str(v.metadata["dagster_dbt/failed_row_count"].value)
                + " failing rows"
                if "dagster_dbt/failed_row_count" in v.metadata
                else "dbt test",
            )
            for v in verdicts
        ),
    )
