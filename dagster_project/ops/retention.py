"""Retention: operational rows and run records older than the configured days are deleted."""

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from dagster_project.ops.audit import record_audit
from dagster_project.ops.resources import RetentionResource
from dagster_project.resources import RunLockResource, WarehouseResource
from dagster_project.transform.assets import run_target_path

OPERATIONS_GROUP = "operations"
# (table, timestamp column) pairs the rule applies to; both are written by ingestion.
RETAINED_TABLES = (
    ("quarantine.rejected_rows", "quarantined_at"),
    ("raw.feed_loads", "loaded_at"),
)
_FINISHED = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]


@dataclass(frozen=True)
class RetentionResult:
    days: int
    deleted_rows: dict[str, int]
    deleted_runs: int
    deleted_dbt_targets: int

    @property
    def summary(self) -> str:
        tables = ", ".join(f"{n} from {t}" for t, n in self.deleted_rows.items())
        return (
            f"older than {self.days} days: deleted {tables}, {self.deleted_runs} Dagster runs, "
            f"{self.deleted_dbt_targets} dbt run folders"
        )


def delete_old_rows(con: duckdb.DuckDBPyConnection, days: int) -> dict[str, int]:
    deleted = {}
    for table, column in RETAINED_TABLES:
        schema, name = table.split(".")
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        if not exists:
            deleted[table] = 0
            continue
        # The cutoff is computed like the columns' default (current_timestamp), so both are in
        # the same time zone whatever the server's setting.
        deleted[table] = con.execute(
            f"delete from {table} where {column} < current_timestamp::timestamp - to_days(?)",
            [days],
        ).fetchone()[0]
    return deleted


def delete_old_runs(instance: DagsterInstance, days: int) -> int:
    """Finished runs only: the run doing this is still going, so never deletes itself."""
    cutoff = datetime.now(UTC) - timedelta(days=days)
    records = instance.get_run_records(
        filters=RunsFilter(created_before=cutoff, statuses=_FINISHED)
    )
    old = [r.dagster_run.run_id for r in records]
    for run_id in old:
        instance.delete_run(run_id)
    return len(old)


def delete_old_dbt_targets(target_root: Path, days: int) -> int:
    """dbt writes one target folder per run (artifacts and logs); old ones go with the runs."""
    cutoff = (datetime.now(UTC) - timedelta(days=days)).timestamp()
    old = [p for p in target_root.glob("run-*") if p.is_dir() and p.stat().st_mtime < cutoff]
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
    return len(old)


@dg.asset(
    key=["operations", "retention"],
    group_name=OPERATIONS_GROUP,
    kinds={"python", "duckdb"},
    # After publication: the warehouse's single writer lock is free again once dbt is done.
    deps=["published_marts"],
)
def apply_retention(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    retention: RetentionResource,
    run_lock: RunLockResource,  # held for the whole run (one writer per data dir)
) -> dg.MaterializeResult:
    """Deletes quarantine and load-log rows, run records and dbt run folders past N days."""
    with warehouse.connect() as con:
        deleted_rows = delete_old_rows(con, retention.days)
    deleted_runs = delete_old_runs(context.instance, retention.days)
    deleted_targets = delete_old_dbt_targets(run_target_path(context.run_id).parent, retention.days)
    result = RetentionResult(retention.days, deleted_rows, deleted_runs, deleted_targets)
    context.log.info(f"Retention {result.summary}")
    record_audit(warehouse.root, "retention", result.summary, None)
    return dg.MaterializeResult(
        metadata={
            "retention_days": retention.days,
            "deleted_rows": dg.MetadataValue.json(deleted_rows),
            "deleted_runs": deleted_runs,
            "deleted_dbt_run_folders": deleted_targets,
        }
    )
