"""dagster-webserver in a subprocess on a free port, with its own data, landing and home."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster_project.ops.instance import ensure_dagster_home
from dagster_project.settings import REPO_ROOT

START_TIMEOUT_S = 240


@dataclass(frozen=True)
class Webserver:
    url: str
    log: Path

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read())
        assert "errors" not in payload, payload
        return payload["data"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dagster_webserver(root: Path, landing: Path) -> Iterator[Webserver]:
    """Serve the definitions; killed (the whole process group) on exit."""
    port = _free_port()
    home = ensure_dagster_home(root / "dagster_home")
    env = {
        **os.environ,
        "IOM_DATA_DIR": str(root / "data"),
        "IOM_LANDING_DIR": str(landing),
        "DAGSTER_HOME": str(home),
    }
    log = root / "webserver.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dagster_webserver",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-m",
                "dagster_project.definitions",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            server = Webserver(url=f"http://127.0.0.1:{port}", log=log)
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "webserver did not start in time"
                try:
                    with urllib.request.urlopen(f"{server.url}/server_info", timeout=5):
                        break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(1)
            yield server
        finally:
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(timeout=30)
