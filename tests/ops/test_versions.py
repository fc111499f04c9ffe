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

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance

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

# About 50 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(50)

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


# --- issue 18: analyst access enforced by the engine, audit chain, one switch, checksums ---

# Each must be refused by DuckDB itself (enable_external_access=false, lock_configuration).
FORBIDDEN = {
    "read_text": "select * from read_text('/etc/passwd')",
    "read_csv": "select * from read_csv('{landing}/arrests.csv')",
    "glob": "select * from glob('{data}/*')",
    "copy_to": "copy (select 1) to '{data}/written_by_analyst.csv'",
    "copy_over_warehouse": "copy (select 1) to '{data}/warehouse.duckdb'",
    "export": "export database '{data}/exported'",
    "attach_warehouse": "attach '{data}/warehouse.duckdb' as w (read_only)",
    "unlock": "set lock_configuration = false",
    "external_on": "set enable_external_access = true",
    "load_from_disk": "load '{data}/evil.duckdb_extension'",
}


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_sql_cannot_read_write_or_attach_any_file(two_versions: TwoVersions, name: str):
    data_dir = two_versions.data_dir
    landing = data_dir.parent / "april"

    def files() -> dict[str, int]:
        # Everything but the audit log, which records the attempt.
        return {
            str(p): p.lstat().st_mtime_ns
            for p in data_dir.rglob("*")
            if "audit" not in p.relative_to(data_dir).parts
        }

    before = files()
    sql = FORBIDDEN[name].format(data=data_dir, landing=landing)
    result = iom(data_dir, "sql", sql)
    # A refused statement is the user's error: exit 2, DuckDB's first line, then what to do.
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    assert "Error" in lines[0], result.stderr
    assert files() == before
    entry = read_audit(data_dir, 1)[0]
    assert (entry.action, entry.rows_returned) == ("sql", None)
    assert entry.detail.endswith(sql)


def test_every_read_path_is_audited(two_versions: TwoVersions):
    from dagster_project.presentation.figure_b import load_figure_b
    from dagster_project.presentation.scorecard import print_scorecard
    from dagster_project.report.marts import load_published

    data_dir = two_versions.data_dir
    served = current_version_id(data_dir)
    assert print_scorecard(data_dir) == 0
    load_figure_b(data_dir, 3)
    marts = load_published(data_dir)
    report_as_of = load_published(data_dir, date(2019, 3, 31))
    assert report_as_of.version_id == two_versions.first.version_id
    # The report of the served version also reads the scorecard of the version before it,
    # when the served one is April's (an earlier test may have rolled back to March).
    previous = served == two_versions.second.version_id
    entries = read_audit(data_dir, 5 if previous else 4)[::-1]
    assert [e.action for e in entries] == ["scorecard", "live-cohort"] + ["report"] * (
        3 if previous else 2
    )
    assert all(e.rows_returned and e.rows_returned > 0 for e in entries)
    assert entries[2].detail.startswith(f"[version {served}]")
    if previous:
        assert entries[3].detail.startswith(f"[version {two_versions.first.version_id}]")
        assert entries[3].detail.endswith("previous scorecard")
    assert entries[-1].detail.startswith(f"[version {two_versions.first.version_id}]")
    assert marts.version_id == served


def test_report_reads_are_engine_locked_too(two_versions: TwoVersions):
    from dagster_project.publish.published import open_published

    with open_published(two_versions.data_dir, "test", "locked?") as read:
        with pytest.raises(duckdb.PermissionException):
            read.con.execute("select * from read_text('/etc/passwd')")
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            read.con.execute("set enable_external_access = true")


def test_analytics_and_marts_resolve_through_one_switch(two_versions: TwoVersions):
    data_dir = two_versions.data_dir
    assert os.readlink(data_dir / "analytics.duckdb") == "current/analytics.duckdb"
    assert os.readlink(data_dir / "marts") == "current/marts"
    served = current_version_id(data_dir)
    assert os.readlink(data_dir / "current") == f"versions/{served}"
    # Parquet keeps the marts' own types: a count is an integer, not a DOUBLE.
    con = duckdb.connect()
    parquet = dict(
        con.execute(
            f"select column_name, column_type from (describe select * from "
            f"'{data_dir}/marts/cohort_monthly.parquet')"
        ).fetchall()
    )
    con.close()
    with duckdb.connect(str(data_dir / "analytics.duckdb"), read_only=True) as published:
        table = dict(
            published.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'cohort_monthly'"
            ).fetchall()
        )
    assert table["live_cohort"] in ("BIGINT", "HUGEINT", "INTEGER")
    assert parquet["live_cohort"] in ("BIGINT", "INTEGER")
    widened = {c: t for c, t in table.items() if t in ("HUGEINT", "UHUGEINT")}
    assert {c: parquet[c] for c in table if c not in widened} == {
        c: t for c, t in table.items() if c not in widened
    }


def test_rollback_refuses_a_version_whose_files_changed(two_versions: TwoVersions, tmp_path):
    import shutil

    from dagster_project.publish.history import rollback
    from dagster_project.publish.versions import VersionIntegrityError, verify_version

    # A copy of the data dir, so the other tests keep their versions intact.
    data_dir = tmp_path / "data"
    shutil.copytree(two_versions.data_dir, data_dir, symlinks=True)
    served = current_version_id(data_dir)
    other = next(v for v in list_versions(data_dir) if v.version_id != served)
    assert verify_version(other) == []
    with (other.path / "marts" / "scorecard.parquet").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00corrupt")
    with pytest.raises(VersionIntegrityError, match=r"marts/scorecard.parquet changed"):
        rollback(data_dir, other.version_id)
    assert current_version_id(data_dir) == served
    result = iom(data_dir, "rollback", other.version_id)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_audit_verify_reports_the_first_tampered_entry(two_versions: TwoVersions, tmp_path):
    import shutil

    from dagster_project.ops.audit import record_audit, verify_audit

    data_dir = tmp_path / "data"
    shutil.copytree(two_versions.data_dir / "audit", data_dir / "audit")
    for n in range(3):
        record_audit(data_dir, "sql", f"select {n}", 1)
    intact = iom(data_dir, "audit", "--verify")
    assert intact.returncode == 0, intact.stderr
    assert "audit log intact" in intact.stdout
    entries = read_audit(data_dir, 3)  # newest first
    target = entries[1].audit_id
    con = sqlite3.connect(audit_path(data_dir))
    # What a hostile user can do with the file: drop the trigger, edit, put the trigger back.
    con.executescript(
        "drop trigger audit_log_no_update;"
        f"update audit_log set detail = 'select 42' where audit_id = {target};"
    )
    con.commit()
    con.close()
    assert verify_audit(data_dir).first_broken == target
    broken = iom(data_dir, "audit", "--verify")
    assert broken.returncode == 1
    assert f"BROKEN at entry {target}" in broken.stderr

    con = sqlite3.connect(audit_path(data_dir))
    con.executescript(
        f"drop trigger audit_log_no_delete; delete from audit_log where audit_id < {target};"
    )
    con.close()
    assert verify_audit(data_dir).first_broken == target


def test_a_second_run_fails_at_once_while_the_warehouse_is_held(
    two_versions: TwoVersions, tmp_path
):
    from dagster_project.ops.lock import warehouse_lock

    data_dir = two_versions.data_dir
    served = current_version_id(data_dir)
    landing = small_landing(tmp_path / "landing", date(2019, 5, 31), 3)
    with warehouse_lock(data_dir, "holder-run"), DagsterInstance.ephemeral() as instance:
        outcome = run_pipeline(data_dir, landing_dir=landing, instance=instance)
    assert not outcome.success
    message = " ".join(outcome.failures)
    assert "another run (holder-run, pid" in message
    assert f"pid {os.getpid()}, started at" in message
    assert "holds the warehouse" in message
    assert current_version_id(data_dir) == served
