"""A small published data folder made by the real publication code from hand-written marts.

Fast enough for every command-line test; the figures are chosen by hand so that two as-of
dates are told apart (unique_nominals is 10 as of March and 12 as of April).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.publish.versions import Version, activate_version, build_version
from dagster_project.settings import REPO_ROOT

MARTS_SQL = """
create schema marts;
create table marts.scorecard as
    select * from (values
        ('Process', 'unique_nominals', 'all', {nominals}::double, null::varchar,
            null::double, null::double, 'count', '{as_of}'::date),
        ('Process', 'successful_exit_pct', 'all', 50.0::double, null,
            2::double, 4::double, 'pct', '{as_of}'::date)
    ) as t(section, metric, breakdown, value, value_label, numerator, denominator, unit, as_of);
create table marts.cohort_monthly as
    select * from (values
        ('{as_of}'::date, 'ALL', {nominals}::integer, 1, 0, 1, 0, 2, {nominals} + 2),
        ('{as_of}'::date, 'GENERIC', {nominals} - 3, 1, 0, 1, 0, 2, {nominals} - 1),
        ('{as_of}'::date, 'DV', 3, 0, 0, 0, 0, 0, 3)
    ) as t(month_end, scheme, live_cohort, in_custody, in_custody_release_city,
        in_custody_release_county_north, in_custody_release_county_south, watchlist,
        live_plus_watchlist);
-- sum() of integers is a HUGEINT in DuckDB, as the real scores are
create table marts.nominal_scores as
    select spell_id, sum(weight) as entry_score, avg(weight) as mean_weight
    from (values (1, 20), (1, 30), (2, 40)) as t(spell_id, weight)
    group by spell_id
    order by spell_id;
create table marts.release_forecast as
    select * from (values
        (date_trunc('month', '{as_of}'::date)::date, 'ALL', 'ALL', 1, 'MAR-MAY 2019')
    ) as t(window_start, scheme, release_area, due_releases, window_label);
"""


def _complete_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Columns the marts' .yml declares and the fixture leaves out: empty, or 0 for counts.

    The figures' readers select the declared columns, so the fixture follows the contract.
    """
    from dagster_project.transform.dbt_files import model_columns

    for mart, default in (
        ("scorecard", "null::varchar"),
        ("cohort_monthly", "0"),
        ("release_forecast", "null::varchar"),
    ):
        present = {r[0] for r in con.execute(f"describe marts.{mart}").fetchall()}
        for column in model_columns(mart):
            if column not in present:
                value = "'ALL'" if column in ("area", "release_area") else default
                if mart == "release_forecast" and column == "window_end":
                    value = "last_day(window_start + interval 2 month)"
                con.execute(f"alter table marts.{mart} add column {column} varchar")
                con.execute(f"update marts.{mart} set {column} = {value}")
                if value == "0" or column == "window_end":
                    kind = "integer" if value == "0" else "date"
                    con.execute(f"alter table marts.{mart} alter {column} type {kind}")


def publish(data_dir: Path, as_of: date, nominals: int, activate: bool = True) -> Version:
    """Write a warehouse with three marts and publish it through build_version."""
    data_dir.mkdir(parents=True, exist_ok=True)
    warehouse = data_dir / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(MARTS_SQL.format(as_of=as_of.isoformat(), nominals=nominals))
        _complete_columns(con)
    finally:
        con.close()
    version = build_version(
        warehouse, data_dir, f"run{nominals:05d}", as_of, {"passed": 3, "warned": 1, "failed": 0}
    )
    if activate:
        activate_version(data_dir, version)
    return version


def iom(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
