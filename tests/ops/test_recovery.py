"""Issue 18, finding 3: a run whose process died is marked failed (so the queue moves and an
alert fires), and a nightly run that never started raises an alert. Real Dagster instance,
real lock file; no pipeline run needed."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus

from dagster_project.ops.alerts import alerts_log_path
from dagster_project.ops.failures import FAILURE_KIND_TAG
from dagster_project.ops.lock import warehouse_lock
from dagster_project.ops.recovery import (
    NIGHTLY_JOB_NAME,
    find_dead_runs,
    mark_dead,
    missed_start,
    nightly_run_watch,
)
from dagster_project.ops.resources import AlertResource
from dagster_project.resources import WarehouseResource


def started_run(instance: DagsterInstance) -> str:
    run = DagsterRun(
        job_name=NIGHTLY_JOB_NAME, run_id=str(uuid.uuid4()), status=DagsterRunStatus.STARTED
    )
    instance.add_run(run)
    return run.run_id


def test_a_started_run_nobody_holds_the_lock_for_is_dead(tmp_path: Path):
    data_dir = tmp_path / "data"
    with DagsterInstance.ephemeral() as instance:
        run_id = started_run(instance)
        now = datetime.now(UTC)
        # Still starting up: not yet dead.
        assert find_dead_runs(instance, data_dir, now) == []
        # Alive: it holds the lock, however long it has run.
        with warehouse_lock(data_dir, run_id):
            assert find_dead_runs(instance, data_dir, now + timedelta(hours=3)) == []
        # Gone, lock free, past the grace: dead.
        assert find_dead_runs(instance, data_dir, now + timedelta(minutes=3)) == [run_id]
        assert mark_dead(instance, run_id, "test")
        run = instance.get_run_by_id(run_id)
        assert run.status == DagsterRunStatus.FAILURE
        assert run.tags[FAILURE_KIND_TAG] == "dead"
        assert not mark_dead(instance, run_id, "test")  # already ended


def test_a_lock_file_naming_a_dead_run_marks_it_at_once(tmp_path: Path):
    data_dir = tmp_path / "data"
    with DagsterInstance.ephemeral() as instance:
        run_id = started_run(instance)
        # What a holder killed with -9 leaves: the kernel dropped its flock, not its name.
        data_dir.mkdir()
        holder = {"run_id": run_id, "pid": 999999, "started_at": "2019-04-01T02:00:00+00:00"}
        (data_dir / "warehouse.lock").write_text(json.dumps(holder))
        assert find_dead_runs(instance, data_dir, datetime.now(UTC)) == [run_id]
        with warehouse_lock(data_dir, "next-run") as died:
            assert died is not None and died.run_id == run_id


def test_a_nightly_run_that_did_not_start_is_alerted_once(tmp_path: Path):
    data_dir = tmp_path / "data"
    with DagsterInstance.ephemeral() as instance:
        started_run(instance)  # a night that did run (created now, before tomorrow's 02:00)
        tomorrow = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=1)
        london = ZoneInfo("Europe/London")
        at_0230 = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 2, 30, tzinfo=london)
        at_0330 = at_0230 + timedelta(hours=1)
        assert missed_start(instance, at_0230) is None  # not yet past 03:00
        assert missed_start(instance, at_0330) == tomorrow.isoformat()

        with DagsterInstance.ephemeral() as fresh:
            assert missed_start(fresh, at_0330) is None  # a fresh install misses nothing

        context = dg.build_sensor_context(
            instance=instance,
            resources={
                "warehouse": WarehouseResource(data_dir=str(data_dir)),
                "alerts": AlertResource(),
            },
        )
        # Wired as the daemon runs it; today a run exists, so nothing is alerted.
        assert "no dead or missing" in nightly_run_watch(context).skip_message
        assert not alerts_log_path(data_dir).exists()
