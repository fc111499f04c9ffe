"""Runs the nightly job in two halves with a deliberate corruption in between.

The corruption stands for what no feed contract can catch (a bug in a model, a bad manual
fix in the warehouse): it is written with DuckDB straight into the warehouse, then the second
half runs the checks and the publication as the nightly job would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from dagster import AssetCheckKey, AssetKey, DagsterInstance

from dagster_project.definitions import NIGHTLY_JOB_NAME, defs
from dagster_project.ops.runner import RunOutcome, outcome_of, run_config_for

PUBLISHED = AssetKey("published_marts")


def _half(
    landing: Path, data_dir: Path, assets: set[AssetKey], checks: set[AssetCheckKey]
) -> RunOutcome:
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME).get_subset(
        asset_selection=assets, asset_check_selection=checks
    )
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            run_config=run_config_for(data_dir, landing), instance=instance, raise_on_error=False
        )
    return outcome_of(result)


def run_with_corruption(
    landing: Path,
    data_dir: Path,
    corrupt: Callable[[duckdb.DuckDBPyConnection], None],
    after: str,
) -> RunOutcome:
    """after='ingestion': corrupt raw tables, then dbt, checks, publication.
    after='build': corrupt any table once everything is built, then checks and publication."""
    graph = defs.resolve_asset_graph()
    everything = set(graph.executable_asset_keys)
    all_checks = set(graph.asset_check_keys)
    raw = {k for k in everything if k.path[0] == "raw"}
    if after == "ingestion":
        first = _half(landing, data_dir, raw, {c for c in all_checks if c.asset_key in raw})
        second_assets, second_checks = (
            everything - raw,
            {c for c in all_checks if c.asset_key not in raw},
        )
    else:
        first = _half(landing, data_dir, everything - {PUBLISHED}, set())
        second_assets, second_checks = {PUBLISHED}, all_checks
    assert first.success, first.failures
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        corrupt(con)
    finally:
        con.close()
    return _half(landing, data_dir, second_assets, second_checks)
