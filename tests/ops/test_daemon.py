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

from dagster_project.publish.versions import list_versions
from dagster_project.settings import REPO_ROOT
from tests.ops.helpers import small_landing, use_tmp_instance, wait_for
from tests.ops.minutely_definitions import MINUTELY_SCHEDULE

# About 90 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(90)

# The first every-minute tick comes at most 60 s after the daemon starts, plus start-up.
FIRST_RUN_TIMEOUT_SECONDS = 150


def stop(daemon: subprocess.Popen) -> None:
    """SIGINT for a clean stop; then its own process group (code server, run workers)."""
    daemon.send_signal(signal.SIGINT)
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()


def test_the_daemon_runs_the_schedule_unattended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    landing = small_landing(tmp_path / "landing")
    _, data_dir = use_tmp_instance(monkeypatch, tmp_path, landing)
    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen(
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
    try:
        with DagsterInstance.get() as instance:
            scheduled = RunsFilter(tags={"dagster/schedule_name": MINUTELY_SCHEDULE})

            def first_scheduled_run():
                runs = instance.get_runs(filters=scheduled, ascending=True, limit=1)
                return runs[0] if runs else None

            deadline = time.monotonic() + FIRST_RUN_TIMEOUT_SECONDS
            while first_scheduled_run() is None and time.monotonic() < deadline:
                assert daemon.poll() is None, (tmp_path / "daemon.log").read_text()[-3000:]
                time.sleep(2)
            assert first_scheduled_run() is not None, "the daemon launched no run in time"
            run = wait_for(instance, first_scheduled_run)
    finally:
        stop(daemon)
        log.close()

    assert run.status == DagsterRunStatus.SUCCESS, (tmp_path / "daemon.log").read_text()[-3000:]
    assert [v.run_id for v in list_versions(data_dir)][-1] == run.run_id
