"""Population scale: monthly_rrs on a synthetic population, against one plain DuckDB query.

    python -m benchmarks.population --people 1000000 --events 30000000 --work /tmp/pop

Builds the scoring inputs (intermediate.int_months, staging.stg_convictions,
staging.stg_arrests, reference.offence_weights from the seed) in a scratch DuckDB file, then
times dagster_project.scoring.rrs.compute_population_rrs and benchmarks/monthly_rrs_baseline.sql
and checks that both give the same rows. Prints one JSON line of rows and seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.scoring.rrs import MONTHLY_RRS_TABLE, compute_population_rrs

REPO_ROOT = Path(__file__).resolve().parents[1]
BASELINE_SQL = REPO_ROOT / "benchmarks" / "monthly_rrs_baseline.sql"
SEED = REPO_ROOT / "dbt" / "seeds" / "offence_weights.csv"
FIRST_MONTH = date(2012, 1, 1)
FIRST_EVENT = date(2008, 1, 1)


def build_inputs(
    con: duckdb.DuckDBPyConnection, people: int, events: int, as_of: date, seed: float = 0.42
) -> None:
    """Synthetic scoring inputs: events spread uniformly over people, codes and days."""
    con.execute(f"select setseed({seed})")
    for schema in ("intermediate", "staging", "reference"):
        con.execute(f"create schema if not exists {schema}")
    con.execute(
        "create or replace table reference.offence_weights as "
        f"select * from read_csv('{SEED}', header = true, types = {{'valid_to': 'DATE'}})"
    )
    con.execute(
        f"""
        create or replace table intermediate.int_months as
        select
            cast(month_start as date) as month_start,
            last_day(month_start) as month_end,
            last_day(month_start) <= date '{as_of}' as is_month_complete
        from (
            select unnest(generate_series(date '{FIRST_MONTH}', date '{as_of}', interval 1 month))
                as month_start
        )
        """
    )
    days = (as_of - FIRST_EVENT).days + 1
    for kind, share in (("conviction", 0.5), ("arrest", 0.5)):
        con.execute(
            f"""
            create or replace table staging.stg_{kind}s as
            with codes as (
                select list(distinct offence_code order by offence_code) as codes
                from reference.offence_weights
            )
            select
                'P' || lpad(cast(cast(floor(random() * {people}) as bigint) as varchar), 7, '0')
                    as nominal_key,
                codes[1 + cast(floor(random() * len(codes)) as integer)] as offence_code,
                random() < 0.1 as is_weapon_enabled,
                cast(date '{FIRST_EVENT}' + cast(floor(random() * {days}) as integer) as date)
                    as {kind}_date
            from range({int(events * share)}) cross join codes
            """
        )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(
    work: Path, people: int, events: int, as_of: date, memory_limit: str
) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    path = work / "population.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": memory_limit, "threads": 2})
    try:
        started = time.perf_counter()
        build_inputs(con, people, events, as_of)
        build_s = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        compute_population_rrs(con, as_of)
        asset_s, asset_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        _progress(f"asset {asset_s:.1f} s wall, {asset_cpu_s:.1f} s CPU")
        started, cpu = time.perf_counter(), time.process_time()
        con.execute(f"create temp table baseline as {BASELINE_SQL.read_text()}")
        baseline_s, baseline_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        _progress(f"baseline {baseline_s:.1f} s wall, {baseline_cpu_s:.1f} s CPU")
        different = con.execute(
            f"select count(*) from ((select * exclude (matrix_version) from {MONTHLY_RRS_TABLE} "
            "except all select * exclude (matrix_version) from baseline) union all "
            "(select * exclude (matrix_version) from baseline except all "
            f"select * exclude (matrix_version) from {MONTHLY_RRS_TABLE}))"
        ).fetchone()[0]
        rows = con.execute(f"select count(*) from {MONTHLY_RRS_TABLE}").fetchone()[0]
        scored_people = con.execute(
            f"select count(distinct nominal_key) from {MONTHLY_RRS_TABLE}"
        ).fetchone()[0]
    finally:
        con.close()
    return {
        "people": people,
        "events": events,
        "rows_out": rows,
        "people_scored": scored_people,
        "build_inputs_s": round(build_s, 1),
        "asset_s": round(asset_s, 1),
        "asset_cpu_s": round(asset_cpu_s, 1),
        "baseline_s": round(baseline_s, 1),
        "baseline_cpu_s": round(baseline_cpu_s, 1),
        "rows_differing": different,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=30_000_000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2019, 3, 31))
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit")
    parser.add_argument("--work", type=Path, default=Path("/tmp/iom-population-bench"))
    args = parser.parse_args()
    print(json.dumps(measure(args.work, args.people, args.events, args.as_of, args.memory_limit)))


if __name__ == "__main__":
    main()
