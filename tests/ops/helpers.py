"""Small landing folders and a real Dagster instance under tmp_path for the operations tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRun

from dagster_project.ops.instance import prepare_dagster_home
from tests.landing import event, spell, write_landing

# Raw identifiers of the fixture: none may ever appear in an alert, log or metadata.
NOMINALS = [f"NOM-{i:07d}" for i in range(1, 13)]
RUN_TIMEOUT_SECONDS = 300


def small_landing(folder: Path, extract_date: date = date(2019, 3, 31), arrests: int = 12) -> Path:
    """Twelve nominals on IOM since 2018 and `arrests` of them arrested once (a burglary)."""
    return write_landing(
        folder,
        {
            "iom_register": [spell(f"S{i}", n, "2018-01-01") for i, n in enumerate(NOMINALS)],
            "arrests": [
                event("arrest", f"A{i}", n, "BURGLARY", "2018-06-01")
                for i, n in enumerate(NOMINALS[:arrests])
            ],
        },
        extract_date,
    )


def use_tmp_instance(
    monkeypatch: pytest.MonkeyPatch, root: Path, landing: Path
) -> tuple[Path, Path]:
    """Point DAGSTER_HOME, IOM_DATA_DIR and IOM_LANDING_DIR at tmp paths (inherited by
    every Dagster subprocess: code server, run worker, daemon)."""
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    data_dir = root / "data"
    home = prepare_dagster_home(data_dir)
    monkeypatch.setenv("IOM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("IOM_LANDING_DIR", str(landing))
    return home, data_dir


def wait_for(
    instance: DagsterInstance,
    find: Callable[[], DagsterRun | None],
    timeout: float = RUN_TIMEOUT_SECONDS,
) -> DagsterRun:
    """Poll the instance until the run `find` returns has finished; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = find()
        if run is not None and run.is_finished:
            return run
        time.sleep(1)
    raise AssertionError(f"no finished run within {timeout} s (last seen: {find()})")
