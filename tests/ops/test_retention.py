"""Retention deletes operational rows and run records older than the configured days, no more."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster import DagsterRunStatus

from dagster_project.ingest.store import ensure_schemas
from dagster_project.ops.resources import DEFAULT_RETENTION_DAYS, operations_resources
from dagster_project.ops.retention import delete_old_dbt_targets, delete_old_rows, delete_old_runs
from dagster_project.settings import from_environment


def test_rows_older_than_the_limit_go_and_younger_rows_stay(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ensure_schemas(con)
    for age_days in (401, 399):
        stamp = f"current_timestamp::timestamp - interval {age_days} day"
        con.execute(
            "insert into quarantine.rejected_rows values "
            f"('r', 'arrests', 'arrests.csv', 2, 'arrest_date', 'bad date', '2019-03-31', {stamp})"
        )
        con.execute(
            "insert into raw.feed_loads values "
            f"('r', 'arrests', 'arrests.csv', '2019-03-31', 'abc', 3, 2, 1, {stamp})"
        )

    deleted = delete_old_rows(con, 400)

    assert deleted == {"quarantine.rejected_rows": 1, "raw.feed_loads": 1}
    assert con.execute("select count(*) from quarantine.rejected_rows").fetchone() == (1,)
    assert con.execute("select count(*) from raw.feed_loads").fetchone() == (1,)
    con.close()


def test_only_finished_runs_older_than_the_limit_are_deleted(tmp_path: Path):
    @dg.op
    def noop() -> None:
        pass

    @dg.job
    def tiny() -> None:
        noop()

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        finished = tiny.execute_in_process(instance=instance).run_id
        waiting = instance.create_run_for_job(tiny, status=DagsterRunStatus.NOT_STARTED).run_id

        assert delete_old_runs(instance, days=1) == 0
        # Zero days: everything finished before now is old; the unfinished run stays.
        assert delete_old_runs(instance, days=0) == 1
        assert instance.get_run_by_id(finished) is None
        assert instance.get_run_by_id(waiting) is not None


@pytest.mark.parametrize(
    ("environ", "days"), [({}, DEFAULT_RETENTION_DAYS), ({"IOM_RETENTION_DAYS": "30"}, 30)]
)
def test_the_retention_days_come_from_the_environment(environ: dict[str, str], days: int):
    assert operations_resources(from_environment(environ))["retention"].days == days


def test_dbt_run_folders_older_than_the_limit_go_and_others_stay(tmp_path: Path):
    old, young, other = tmp_path / "run-old", tmp_path / "run-young", tmp_path / "manifest-dir"
    for folder in (old, young, other):
        folder.mkdir()
    ten_days_ago = time.time() - 10 * 86400
    os.utime(old, (ten_days_ago, ten_days_ago))
    os.utime(other, (ten_days_ago, ten_days_ago))

    assert delete_old_dbt_targets(tmp_path, days=5) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest-dir", "run-young"]
