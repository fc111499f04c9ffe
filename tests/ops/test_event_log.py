"""The instance's event log (dagster_project/ops/event_log.py): Dagster's files, fewer engines."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster import DagsterEventType
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project.ops.event_log import KEPT_ENGINES, KeptEngineSqliteEventLogStorage
from dagster_project.ops.instance import instance_for


@dg.asset
def counted() -> int:
    return 3


@dg.asset_check(asset=counted)
def counted_is_three(counted: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=counted == 3)


TINY_JOB = dg.define_asset_job("tiny", selection=[counted])
TINY = dg.Definitions(assets=[counted], asset_checks=[counted_is_three], jobs=[TINY_JOB])


def run_tiny(instance: dg.DagsterInstance) -> str:
    result = TINY.resolve_job_def("tiny").execute_in_process(instance=instance)
    assert result.success
    return result.run_id


@pytest.fixture
def no_dagster_home(monkeypatch: pytest.MonkeyPatch) -> None:
    # instance_for must not need DAGSTER_HOME: `iom run` is given a data dir only.
    monkeypatch.delenv("DAGSTER_HOME", raising=False)


def test_runs_are_written_where_and_as_dagster_reads_them(tmp_path: Path, no_dagster_home):
    with instance_for(tmp_path / "data") as instance:
        assert isinstance(instance.event_log_storage, KeptEngineSqliteEventLogStorage)
        run_id = run_tiny(instance)
        ours = instance.all_logs(run_id)
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("counted"), "counted_is_three")]
        )

    runs_dir = tmp_path / "data" / "dagster_home" / "history" / "runs"
    assert (runs_dir / f"{run_id}.db").exists()
    # Dagster's own class, on the same folder, reads every event back.
    theirs = SqliteEventLogStorage(str(runs_dir)).get_logs_for_run(run_id)
    assert [e.dagster_event_type for e in theirs] == [e.dagster_event_type for e in ours]
    assert len(ours) > 10
    # The check's execution reached the index (the path that asked has_table every time).
    (execution,) = check.values()
    assert execution.status.value == "SUCCEEDED"


def test_commits_sync_at_checkpoints_and_engines_stay_few(tmp_path: Path, no_dagster_home):
    with instance_for(tmp_path / "data") as instance:
        storage = instance.event_log_storage
        for _ in range(KEPT_ENGINES + 2):
            run_tiny(instance)
        # one engine per file at most: the index plus the most recent runs
        assert len(storage._engines) == KEPT_ENGINES
        with storage.index_connection() as conn:
            # 1 = NORMAL (Dagster's class leaves SQLite's 2 = FULL)
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        runs = instance.get_runs()
    assert len(runs) == KEPT_ENGINES + 2
    # A run whose engine was let go is still complete on disk, for Dagster's own class.
    runs_dir = tmp_path / "data" / "dagster_home" / "history" / "runs"
    first = SqliteEventLogStorage(str(runs_dir)).get_logs_for_run(runs[-1].run_id)
    assert {
        DagsterEventType.RUN_SUCCESS,
        DagsterEventType.ASSET_MATERIALIZATION,
        DagsterEventType.ASSET_CHECK_EVALUATION,
    } <= {e.dagster_event_type for e in first}


def test_a_forked_process_opens_files_of_its_own(tmp_path: Path, no_dagster_home):
    with instance_for(tmp_path / "data") as instance:
        storage = instance.event_log_storage
        run_tiny(instance)
        inherited = dict(storage._engines)
        # What a child started by fork sees: the parent's engines, under another pid.
        storage._engines_pid = -1
        run_id = run_tiny(instance)
        assert storage._engines_pid > 0
        assert not set(map(id, storage._engines.values())) & set(map(id, inherited.values()))
        assert instance.get_run_by_id(run_id).is_success


def test_without_a_folder_it_says_what_to_set(no_dagster_home):
    with pytest.raises(DagsterInvariantViolationError, match="DAGSTER_HOME"):
        KeptEngineSqliteEventLogStorage.from_config_value(None, {})
