"""`dagster-daemon run` fires a schedule on its own and the run it launches succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorType,
    ScheduleInstigatorData,
)

from dagster_project.publish.versions import list_versions
from dagster_project.settings import REPO_ROOT
from tests.ops.helpers import small_landing, use_tmp_instance, wait_for
from tests.ops.minutely_definitions import MINUTELY_SCHEDULE

# About 40 s on one worker (2026-12-08): its test group is handed out first.
pytestmark = pytest.mark.duration(40)

# Each daemon start: its code server and first iteration, about 10 s; then the missed tick.
STATE_TIMEOUT_SECONDS = 90
FIRST_RUN_TIMEOUT_SECONDS = 150


def start(tmp_path: Path, name: str) -> subprocess.Popen:
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-daemon")),
            "run",
            "--module-name",
            "tests.ops.minutely_definitions",
            "--working-directory",
            str(REPO_ROOT),
        ],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(daemon: subprocess.Popen) -> None:
    """SIGINT for a clean stop; then its own process group (code server, run workers)."""
    daemon.send_signal(signal.SIGINT)
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()


def schedule_state(instance: DagsterInstance) -> InstigatorState | None:
    states = [
        s
        for s in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
        if s.instigator_name == MINUTELY_SCHEDULE
    ]
    return states[0] if states else None


def test_the_daemon_runs_the_schedule_unattended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The schedule's tick that fell while the daemon was down is run when it comes back.

    The daemon's first start records that the schedule runs from now on; the test moves that
    start 70 s back, as if the daemon had then been down for over a minute, so the restarted
    daemon finds a missed every-minute tick at once instead of waiting for the next one.
    """
    landing = small_landing(tmp_path / "landing")
    _, data_dir = use_tmp_instance(monkeypatch, tmp_path, landing)
    with DagsterInstance.get() as instance:
        first = start(tmp_path, "daemon-first")
        try:
            deadline = time.monotonic() + STATE_TIMEOUT_SECONDS
            while schedule_state(instance) is None and time.monotonic() < deadline:
                assert first.poll() is None, (tmp_path / "daemon-first.log").read_text()[-3000:]
                time.sleep(1)
        finally:
            stop(first)
        state = schedule_state(instance)
        assert state is not None, "the daemon recorded no state for the schedule"
        earlier = time.time() - 70
        instance.update_instigator_state(
            state.with_data(
                ScheduleInstigatorData(
                    state.instigator_data.cron_schedule,
                    start_timestamp=earlier,
                    last_iteration_timestamp=earlier,
                )
            )
        )

        daemon = start(tmp_path, "daemon")
        try:
            scheduled = RunsFilter(tags={"dagster/schedule_name": MINUTELY_SCHEDULE})

            def first_scheduled_run():
                runs = instance.get_runs(filters=scheduled, ascending=True, limit=1)
                return runs[0] if runs else None

            deadline = time.monotonic() + FIRST_RUN_TIMEOUT_SECONDS
            while first_scheduled_run() is None and time.monotonic() < deadline:
                assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()[-3000:]
                time.sleep(1)
            assert first_scheduled_run() is not None, "the daemon launched no run in time"
            run = wait_for(instance, first_scheduled_run)
        finally:
            stop(daemon)

    assert run.status == DagsterRunStatus.SUCCESS, (tmp_path / "daemon.log").read_text()[-3000:]
    assert [v.run_id for v in list_versions(data_dir)][-1] == run.run_id
