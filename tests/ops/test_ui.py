"""`iom ui` starts the Dagster webserver and daemon on the loopback address; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from dagster import DagsterInstance

from dagster_project.settings import REPO_ROOT
from tests.ops.helpers import small_landing, use_tmp_instance

START_TIMEOUT_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_iom_ui_serves_the_ui_runs_the_daemon_and_stops_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    use_tmp_instance(monkeypatch, tmp_path, small_landing(tmp_path / "landing"))
    port = free_port()
    log = (tmp_path / "ui.log").open("w")
    ui = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "ui", "--port", str(port)],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # Started with SIGINT ignored, as a shell starts `iom ui &`: Ctrl-C must still stop it.
        preexec_fn=ignore_sigint,
    )
    url = f"http://127.0.0.1:{port}/server_info"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        heartbeats: dict = {}
        with DagsterInstance.get() as instance:
            while time.monotonic() < deadline and not (answers(url) and "SCHEDULER" in heartbeats):
                assert ui.poll() is None, (tmp_path / "ui.log").read_text()[-3000:]
                heartbeats = instance.get_daemon_heartbeats()
                time.sleep(2)
        assert answers(url), (tmp_path / "ui.log").read_text()[-3000:]
        assert "SCHEDULER" in heartbeats
        ui.send_signal(signal.SIGINT)
        assert ui.wait(timeout=90) == 0
    finally:
        if ui.poll() is None:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait()
        log.close()
    assert not answers(url)
    assert group_ends(ui.pid), "a Dagster process outlived `iom ui`"


def group_ends(group: int, timeout: float = 90) -> bool:
    """True once no process is left in the process group (code servers exit shortly after)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(1)
    return False
