"""Published versions for people: list them, query one read-only, roll back to one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.ops.audit import record_audit
from dagster_project.publish.published import QueryResult, open_published, resolve_version
from dagster_project.publish.versions import (
    UnknownVersionError,
    Version,
    activate_version,
    current_version_id,
    find_version,
    list_versions,
)

if TYPE_CHECKING:
    from dagster import DagsterInstance

__all__ = ["UnknownVersionError", "audited_query", "rollback", "versions_table"]

# Dagster is imported by the functions that need it: `iom query`, `iom versions` and the other
# analysts' commands read published files only, and start without Dagster's 0.7 s import.


def run_check_summary(instance: DagsterInstance, run_id: str) -> dict[str, int]:
    """How the run's asset checks came out: the summary stored with each version."""
    from dagster import AssetCheckSeverity, DagsterEventType

    summary = {"passed": 0, "warned": 0, "failed": 0}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if evaluation.passed:
            summary["passed"] += 1
        elif evaluation.severity == AssetCheckSeverity.WARN:
            summary["warned"] += 1
        else:
            summary["failed"] += 1
    return summary


def version_before_current(data_dir: Path) -> Version:
    versions = list_versions(data_dir)
    current = current_version_id(data_dir)
    ids = [v.version_id for v in versions]
    if current not in ids:
        raise UnknownVersionError("nothing is published yet: there is nothing to roll back")
    older = versions[ids.index(current) + 1 :]
    if not older:
        raise UnknownVersionError(f"{current} is the oldest version kept: nothing before it")
    return older[0]


def rollback(data_dir: Path, ref: str | None = None) -> Version:
    """Re-publish an earlier version atomically (default: the one before the current).

    The version's checksums are verified first (activate_version): a version whose files
    changed since publication is refused, and the served copy stays as it was.
    """
    from dagster_project.ops.lock import warehouse_lock
    from dagster_project.publish.events import record_publication

    version = find_version(data_dir, ref) if ref else version_before_current(data_dir)
    # A rollback is a publication: never at the same time as a run's.
    with warehouse_lock(data_dir, "rollback"):
        previous = current_version_id(data_dir)
        activate_version(data_dir, version)
        record_publication(data_dir, version, "rollback")
    record_audit(
        data_dir,
        "rollback",
        f"published {version.version_id} (as of {version.as_of}) in place of {previous}",
        None,
    )
    return version


def audited_query(
    data_dir: Path, sql: str, version_ref: str | None = None, as_of: date | None = None
) -> QueryResult:
    """Read-only SQL on the published copy, a named version or the one as of a date, logged
    with its row count."""
    with open_published(data_dir, "sql", sql, version_ref=version_ref, as_of=as_of) as read:
        result = read.query(sql)
        read.rows_returned = len(result.rows)
    return result


def versions_table(data_dir: Path) -> tuple[list[str], list[tuple]]:
    """Columns and rows for `iom versions`, newest first; `*` marks the one being served."""
    current = current_version_id(data_dir)
    rows = [
        (
            "*" if v.version_id == current else "",
            v.version_id,
            v.as_of,
            v.run_id,
            v.created_at,
            ", ".join(f"{k} {n}" for k, n in sorted(v.checks.items())) or "-",
        )
        for v in list_versions(data_dir)
    ]
    return ["current", "version", "as_of", "run_id", "created_at", "checks"], rows


def published_copy(
    data_dir: Path, version_ref: str | None = None, as_of: date | None = None
) -> tuple[Path, str]:
    """The analytics file of the served version, a named one or the newest as of a date."""
    version = resolve_version(data_dir, version_ref, as_of)
    return version.analytics_path, version.version_id
