"""Published versions for people: list them, query one read-only, roll back to one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dagster import AssetCheckSeverity, DagsterEventType, DagsterInstance

from dagster_project.ops.audit import record_audit
from dagster_project.publish.events import record_publication
from dagster_project.publish.published import NotPublishedError, QueryResult, run_query
from dagster_project.publish.versions import (
    ANALYTICS_FILE,
    Version,
    activate_version,
    current_version_id,
    list_versions,
)


class UnknownVersionError(Exception):
    """No published version matches what was asked for."""


def run_check_summary(instance: DagsterInstance, run_id: str) -> dict[str, int]:
    """How the run's asset checks came out: the summary stored with each version."""
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


def find_version(data_dir: Path, ref: str) -> Version:
    """A version by its id or an unambiguous prefix of it."""
    matches = [v for v in list_versions(data_dir) if v.version_id.startswith(ref)]
    exact = [v for v in matches if v.version_id == ref]
    if exact or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise UnknownVersionError(f"no published version {ref!r}: see `iom versions`")
    raise UnknownVersionError(f"{ref!r} matches {len(matches)} versions: give more of the id")


def version_as_of(data_dir: Path, as_of: date) -> Version:
    """The newest version published with this as-of date (served or kept as history)."""
    versions = list_versions(data_dir)
    for version in versions:
        if version.as_of == as_of.isoformat():
            return version
    dates = sorted({v.as_of for v in versions})
    available = ", ".join(dates) if dates else "none yet"
    raise UnknownVersionError(
        f"no published version as of {as_of}; as-of dates published: {available} "
        "(publish one with `iom run --as-of D --no-activate`)"
    )


def published_copy(
    data_dir: Path, version_ref: str | None = None, as_of: date | None = None
) -> tuple[Path, str | None]:
    """The analytics file to read and its version id: served, a named version, or as of a date.

    Reading history opens that version's own file read-only; the served copy is untouched.
    """
    if version_ref and as_of:
        raise UnknownVersionError("give a version or an as-of date, not both")
    if version_ref or as_of:
        version = (
            find_version(data_dir, version_ref) if version_ref else version_as_of(data_dir, as_of)
        )
        return version.path / ANALYTICS_FILE, version.version_id
    return data_dir / ANALYTICS_FILE, current_version_id(data_dir)


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
    """Re-publish an earlier version atomically (default: the one before the current)."""
    version = find_version(data_dir, ref) if ref else version_before_current(data_dir)
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
    path, version_id = published_copy(data_dir, version_ref, as_of)
    detail = f"[version {version_id}] {sql}"
    try:
        result = run_query(path, sql)
    except NotPublishedError:
        # Nothing to read, so nothing was read: not an access.
        raise
    except Exception:
        # A failed attempt is still an access attempt: logged without a row count.
        record_audit(data_dir, "sql", detail, None)
        raise
    record_audit(data_dir, "sql", detail, len(result.rows))
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
