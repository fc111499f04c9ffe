"""The pseudonym key reaches Dagster by name only: never in a snapshot, a run config or an event.

One real `iom run` with IOM_PSEUDONYM_KEY set to a known value, on a persistent Dagster
instance in tmp_path; then every file that instance wrote (run and event storage, compute
logs, schedules), every stored run config and the code location's repository snapshot are
searched for the value. The key was really used: the published pseudonym is the HMAC of the
raw id under that key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._serdes import serialize_value

from dagster_project.definitions import build_definitions
from dagster_project.ops.instance import open_instance
from dagster_project.ops.runner import run_config_value
from dagster_project.resources import WarehouseResource
from dagster_project.settings import PSEUDONYM_KEY_ENV, REPO_ROOT, from_environment
from tests.landing import event, spell, write_landing

# About 40 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(40)

KNOWN_KEY = "known-test-key-7f3a9c41e2"


def _landing(folder: Path) -> Path:
    return write_landing(
        folder,
        {
            "iom_register": [spell("S1", "NOM-SECRET-1", "2017-01-10")],
            "convictions": [event("conviction", "C1", "NOM-SECRET-1", "BURGLARY", "2016-05-01")],
            "arrests": [event("arrest", "A1", "NOM-SECRET-1", "BURGLARY", "2016-12-01")],
        },
    )


def test_the_pseudonym_key_appears_in_no_snapshot_run_config_or_event(tmp_path: Path):
    landing = _landing(tmp_path / "landing")
    data_dir = tmp_path / "data"
    home = tmp_path / "dagster_home"
    env = {
        **os.environ,
        PSEUDONYM_KEY_ENV: KNOWN_KEY,
        "IOM_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(home),
    }
    run = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run", "--landing", str(landing)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert KNOWN_KEY not in run.stdout + run.stderr

    # The key was used: HMAC-SHA256 of "nominal_key:<raw id>", first 20 hex digits.
    expected = hmac.new(KNOWN_KEY.encode(), b"nominal_key:NOM-SECRET-1", hashlib.sha256)
    con = duckdb.connect(str(data_dir / "analytics.duckdb"), read_only=True)
    try:
        keys = con.execute("select distinct nominal_key from marts.nominal_scores").fetchall()
    finally:
        con.close()
    assert keys == [(expected.hexdigest()[:20],)]

    secret = KNOWN_KEY.encode()
    stored = [p for p in home.rglob("*") if p.is_file()]
    assert stored, "the run wrote nothing to its Dagster instance"
    assert [p for p in stored if secret in p.read_bytes()] == []

    with open_instance(home) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1
        assert KNOWN_KEY not in json.dumps(runs[0].run_config)
        events = instance.all_logs(runs[0].run_id)
        assert events
        assert all(KNOWN_KEY not in serialize_value(e) for e in events)


def test_the_code_location_snapshot_names_the_key_variable_but_holds_no_value(monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, KNOWN_KEY)
    defs = build_definitions(from_environment())
    repository = defs.get_repository_def()
    snapshot = serialize_value(RepositorySnap.from_def(repository))
    assert KNOWN_KEY not in snapshot
    # The UI shows the variable's name where the value would be.
    assert PSEUDONYM_KEY_ENV in snapshot


def test_the_spark_settings_are_given_by_name_and_read_when_the_run_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """IOM_SPARK_CONF may hold a cluster's credentials: the UI and the run's record name the
    variable, and the run still reads its value."""
    conf = "spark.hadoop.fs.s3a.secret.key=known-spark-secret-5d2e"
    monkeypatch.setenv("IOM_SPARK_CONF", conf)
    defs = build_definitions(from_environment())
    snapshot = serialize_value(RepositorySnap.from_def(defs.get_repository_def()))
    assert "known-spark-secret" not in snapshot
    assert "IOM_SPARK_CONF" in snapshot

    @dg.op
    def read_spark_conf(warehouse: WarehouseResource) -> str:
        return warehouse.spark_conf

    @dg.job
    def spark_conf_job() -> None:
        read_spark_conf()

    configured = defs.resources["warehouse"]
    given = {"data_dir": str(tmp_path), "spark_conf": run_config_value(configured.spark_conf)}
    result = spark_conf_job.execute_in_process(
        resources={"warehouse": configured},
        run_config={"resources": {"warehouse": {"config": given}}},
    )
    assert result.output_for_node("read_spark_conf") == conf
    assert "known-spark-secret" not in json.dumps(result.dagster_run.run_config)
