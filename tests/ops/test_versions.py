"""Versions, rollback under concurrent readers, the audit log and retention after real runs."""

from __future__ import annotations

import getpass
import os
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from dagster import AssetKey

from dagster_project.ops.audit import audit_path, read_audit
from dagster_project.ops.instance import instance_for
from dagster_project.ops.runner import run_pipeline
from dagster_project.publish.versions import (
    ANALYTICS_FILE,
    Version,
    current_version_id,
    list_versions,
)
from dagster_project.settings import REPO_ROOT
from tests.ops.helpers import small_landing

READER_QUERY = "select count(*) as schemas from duckdb_schemas() where schema_name = 'marts'"


@dataclass
class TwoVersions:
    data_dir: Path
    first: Version
    second: Version


def iom(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> TwoVersions:
    """March's extract with 12 arrests, then April's with 6: two different publications."""
    root = tmp_path_factory.mktemp("versions")
    data_dir = root / "data"
    os.environ["DAGSTER_HOME"] = str(root / "dagster_home")
    try:
        instance = instance_for(data_dir)
        for name, extract, arrests in (
            ("march", date(2019, 3, 31), 12),
            ("april", date(2019, 4, 30), 6),
        ):
            landing = small_landing(root / name, extract, arrests)
            outcome = run_pipeline(data_dir, landing_dir=landing, instance=instance)
            assert outcome.success, outcome.failures
        second, first = list_versions(data_dir)
        materialization = instance.get_latest_materialization_event(
            AssetKey(["operations", "retention"])
        )
    finally:
        del os.environ["DAGSTER_HOME"]
    assert materialization.asset_materialization.metadata["retention_days"].value == 400
    retention_entries = [e for e in read_audit(data_dir) if e.action == "retention"]
    assert len(retention_entries) == 2  # one per nightly run
    return TwoVersions(data_dir, first, second)


def test_versions_lists_both_with_the_latest_served(two_versions: TwoVersions):
    result = iom(two_versions.data_dir, "versions")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["current", "version", "as_of", "run_id", "created_at", "checks"]
    assert lines[2].split()[:3] == ["*", two_versions.second.version_id, "2019-04-30"]
    assert lines[3].split()[:2] == [two_versions.first.version_id, "2019-03-31"]
    assert set(two_versions.second.checks) == {"passed", "warned", "failed"}
    assert two_versions.second.checks["failed"] == 0


def test_rollback_publishes_the_first_version_while_readers_keep_reading(
    two_versions: TwoVersions,
):
    data_dir, first = two_versions.data_dir, two_versions.first
    results: list[subprocess.CompletedProcess] = []
    rolled_back = threading.Event()

    def read_until_rolled_back() -> None:
        # Queries before, during and after the swap; one more after it is done.
        while not rolled_back.is_set():
            results.append(iom(data_dir, "sql", READER_QUERY))
        results.append(iom(data_dir, "sql", READER_QUERY))

    reader = threading.Thread(target=read_until_rolled_back)
    reader.start()
    while not results:
        threading.Event().wait(0.2)
    rollback = iom(data_dir, "rollback")
    rolled_back.set()
    reader.join(timeout=300)

    assert rollback.returncode == 0, rollback.stderr
    assert first.version_id in rollback.stdout
    assert current_version_id(data_dir) == first.version_id
    published = (data_dir / ANALYTICS_FILE).read_bytes()
    assert published == (first.path / ANALYTICS_FILE).read_bytes()
    assert published != (two_versions.second.path / ANALYTICS_FILE).read_bytes()
    assert len(results) >= 2
    assert [r.returncode for r in results] == [0] * len(results), [r.stderr for r in results]
    assert all("1 rows" in r.stdout for r in results)
    rollbacks = [e for e in read_audit(data_dir, 500) if e.action == "rollback"]
    assert len(rollbacks) == 1
    assert first.version_id in rollbacks[0].detail


def test_sql_on_a_named_version_reads_that_version(two_versions: TwoVersions):
    second = two_versions.second
    result = iom(two_versions.data_dir, "sql", "--version", second.version_id[:20], READER_QUERY)
    assert result.returncode == 0, result.stderr
    entry = read_audit(two_versions.data_dir, 1)[0]
    assert entry.detail == f"[version {second.version_id}] {READER_QUERY}"

    unknown = iom(two_versions.data_dir, "sql", "--version", "19990101", READER_QUERY)
    assert unknown.returncode == 2
    assert "no published version" in unknown.stderr


def test_every_sql_query_is_audited_with_user_time_and_rows(two_versions: TwoVersions):
    data_dir = two_versions.data_dir
    query = "select * from (values (1), (2), (3)) as t(n)"
    result = iom(data_dir, "sql", query)
    assert result.returncode == 0, result.stderr
    failed = iom(data_dir, "sql", "select * from no_such_table")
    assert failed.returncode != 0

    failed_entry, entry = read_audit(data_dir, 2)
    assert (entry.action, entry.os_user, entry.rows_returned) == ("sql", getpass.getuser(), 3)
    assert entry.detail.endswith(query)
    assert entry.logged_at.endswith("+00:00")
    assert failed_entry.rows_returned is None
    assert failed_entry.detail.endswith("select * from no_such_table")

    shown = iom(data_dir, "audit", "--limit", "2")
    assert shown.returncode == 0, shown.stderr
    assert query in shown.stdout


def test_the_audit_log_refuses_updates_and_deletes(two_versions: TwoVersions):
    con = sqlite3.connect(audit_path(two_versions.data_dir))
    try:
        count = con.execute("select count(*) from audit_log").fetchone()[0]
        assert count > 0
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("update audit_log set os_user = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("delete from audit_log")
        assert con.execute("select count(*) from audit_log").fetchone()[0] == count
    finally:
        con.close()
