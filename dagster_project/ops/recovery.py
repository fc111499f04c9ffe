"""After a crash: mark runs that died as failed, clean what they left, alert when no run came.

Dagster's run monitoring (deploy/dagster.yaml) cannot see a dead run worker under the default
run launcher, and `iom run` has no run worker at all: a run killed with -9 would stay STARTED
for ever, and with max_concurrent_runs 1 the queue would never move. The warehouse lock
(ops/lock.py) knows better: a nightly run holds it from its first step, the kernel releases it
when the process dies, and the lock file still names the run. So a run is dead when it is
STARTED while nobody holds the lock (after a grace for starting up), and it is marked failed
(iom/failure_kind=dead), which fires the run-failure alert.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from dagster_project.ops.alerts import NoticeAlert, deliver, published_summary
from dagster_project.ops.failures import FAILURE_KIND_TAG, FailureKind
from dagster_project.ops.lock import LockHolder, probe_free
from dagster_project.ops.resources import AlertResource
from dagster_project.publish.versions import clean_leftovers
from dagster_project.resources import WarehouseResource

NIGHTLY_JOB_NAME = "nightly_warehouse"
NIGHTLY_TIMEZONE = "Europe/London"
NIGHTLY_START = time(2, 0)
# The nightly run must have started by 02:00 + this (UK time), else an alert says so.
START_DEADLINE = timedelta(hours=1)
# A run that has not taken the lock this long after starting is not a live run.
STARTUP_GRACE = timedelta(minutes=2)
IN_PROGRESS = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING]


def mark_dead(instance: DagsterInstance, run_id: str, why: str) -> bool:
    """Mark an in-progress run failed as dead; False when it had already ended."""
    run = instance.get_run_by_id(run_id)
    if run is None or run.status not in IN_PROGRESS:
        return False
    instance.add_run_tags(run_id, {FAILURE_KIND_TAG: FailureKind.DEAD.value})
    instance.report_run_failed(run, message=f"Run found dead: {why}")
    return True


def recover_after(
    data_dir: Path,
    died: LockHolder | None,
    instance: DagsterInstance | None,
    log: logging.Logger | dg.DagsterLogManager | None,
) -> None:
    """With the lock just taken: settle what an interrupted run left behind."""
    if died is not None and instance is not None:
        why = f"its process (pid {died.pid}) ended holding the warehouse lock"
        if mark_dead(instance, died.run_id, why) and log:
            log.warning(f"Run {died.run_id} (started {died.started_at}) died; marked failed")
    removed = clean_leftovers(data_dir)
    if removed and log:
        log.warning(f"Removed leftovers of an interrupted publication: {', '.join(removed)}")
    wal = data_dir / "warehouse.duckdb.wal"
    if wal.exists():
        # Committed work not yet checkpointed: replay it into the file now, not mid-ingestion.
        duckdb.connect(str(data_dir / "warehouse.duckdb")).execute("checkpoint").close()
        if log:
            log.warning("warehouse.duckdb.wal of an interrupted run replayed (checkpoint)")


def find_dead_runs(instance: DagsterInstance, data_dir: Path, now: datetime) -> list[str]:
    """In-progress nightly runs that cannot be alive: nobody holds the lock."""
    free, holder = probe_free(data_dir)
    if not free:
        return []
    dead = []
    for record in instance.get_run_records(
        RunsFilter(job_name=NIGHTLY_JOB_NAME, statuses=IN_PROGRESS)
    ):
        started = record.start_time or record.create_timestamp.timestamp()
        named = holder is not None and holder.run_id == record.dagster_run.run_id
        if named or now.timestamp() - started > STARTUP_GRACE.total_seconds():
            dead.append(record.dagster_run.run_id)
    return dead


def missed_start(instance: DagsterInstance, now: datetime) -> str | None:
    """The local date whose nightly run did not start by its deadline, or None."""
    local = now.astimezone(ZoneInfo(NIGHTLY_TIMEZONE))
    scheduled = datetime.combine(local.date(), NIGHTLY_START, tzinfo=local.tzinfo)
    if local < scheduled + START_DEADLINE:
        return None
    start = scheduled.astimezone(UTC)
    tonight = instance.get_run_records(
        RunsFilter(job_name=NIGHTLY_JOB_NAME, created_after=start), limit=1
    )
    # Only an installation that has run nightly before can miss a night (not a fresh one).
    before = instance.get_run_records(
        RunsFilter(job_name=NIGHTLY_JOB_NAME, created_before=start), limit=1
    )
    return local.date().isoformat() if before and not tonight else None


@dg.sensor(
    name="nightly_run_watch",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every minute: marks nightly runs whose process died as failed (the run-failure alert "
        "follows) and alerts when the nightly run has not started by 03:00 UK time."
    ),
)
def nightly_run_watch(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource, alerts: AlertResource
) -> dg.SkipReason:
    now = datetime.now(UTC)
    marked = [
        run_id
        for run_id in find_dead_runs(context.instance, warehouse.root, now)
        if mark_dead(context.instance, run_id, "its process ended without finishing")
    ]
    day = missed_start(context.instance, now)
    if day and context.cursor != day:
        deadline = (datetime.combine(now.date(), NIGHTLY_START) + START_DEADLINE).time()
        deliver(
            NoticeAlert(
                job=NIGHTLY_JOB_NAME,
                subject=f"IOM warehouse: {NIGHTLY_JOB_NAME} did not start on {day}",
                reason=(
                    f"No {NIGHTLY_JOB_NAME} run was started by {deadline:%H:%M} "
                    f"{NIGHTLY_TIMEZONE} on {day}: the published marts were not refreshed."
                ),
                published=published_summary(warehouse.root),
                advice=(
                    "Check that the Dagster daemon is running (`systemctl status iom-daemon`) "
                    "and the schedule is on (Dagster UI > Automation), then start the run "
                    "(`iom run`, or launch nightly_warehouse in the UI)."
                ),
            ),
            alerts,
            warehouse.root,
        )
        context.update_cursor(day)
    return dg.SkipReason(
        f"marked dead: {', '.join(marked)}" if marked else "no dead or missing nightly run"
    )
