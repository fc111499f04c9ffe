"""The nightly schedule's tick, launched through a real Dagster instance, publishes the marts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import ModuleTarget

from dagster_project.definitions import NIGHTLY_JOB_NAME, defs
from dagster_project.publish.versions import current_version_id, list_versions
from dagster_project.settings import REPO_ROOT
from tests.ops.helpers import small_landing, use_tmp_instance, wait_for

LOCATION = "iom_warehouse"


def test_the_schedule_tick_launched_by_the_instance_publishes(
    tmp_path, monkeypatch: pytest.MonkeyPatch
):
    landing = small_landing(tmp_path / "landing")
    _, data_dir = use_tmp_instance(monkeypatch, tmp_path, landing)
    schedule = defs.resolve_schedule_def("nightly_warehouse_schedule")
    tick_time = datetime(2026, 11, 25, 2, 0, tzinfo=ZoneInfo("Europe/London"))

    with DagsterInstance.get() as instance:
        tick = schedule.evaluate_tick(
            dg.build_schedule_context(instance=instance, scheduled_execution_time=tick_time)
        )
        [request] = tick.run_requests
        # The code location is served by a gRPC subprocess, as under the daemon; it reads
        # IOM_DATA_DIR and IOM_LANDING_DIR from the environment set above.
        target = ModuleTarget(
            module_name="dagster_project.definitions",
            attribute=None,
            working_directory=str(REPO_ROOT),
            location_name=LOCATION,
        )
        with WorkspaceProcessContext(instance, target) as process_context:
            workspace = process_context.create_request_context()
            location = workspace.get_code_location(LOCATION)
            [repository] = location.get_repositories().values()
            remote_job = repository.get_full_job(NIGHTLY_JOB_NAME)
            plan = location.get_execution_plan(remote_job, request.run_config, None, None)
            run = instance.create_run(
                job_name=NIGHTLY_JOB_NAME,
                run_id=None,
                run_config=request.run_config,
                resolved_op_selection=None,
                step_keys_to_execute=None,
                op_selection=None,
                status=DagsterRunStatus.NOT_STARTED,
                root_run_id=None,
                parent_run_id=None,
                tags={**remote_job.run_tags, **request.tags},
                job_snapshot=remote_job.job_snapshot,
                execution_plan_snapshot=plan.execution_plan_snapshot,
                parent_job_snapshot=remote_job.parent_job_snapshot,
                remote_job_origin=remote_job.get_remote_origin(),
                job_code_origin=remote_job.get_python_origin(),
                asset_selection=None,
                asset_check_selection=None,
                asset_graph=repository.asset_graph,
            )
            instance.launch_run(run.run_id, workspace)
            finished = wait_for(instance, lambda: instance.get_run_by_id(run.run_id))

    assert finished.status == DagsterRunStatus.SUCCESS
    [version] = list_versions(data_dir)
    assert current_version_id(data_dir) == version.version_id
    assert version.run_id == run.run_id
    assert version.as_of == "2019-03-31"
    con = duckdb.connect(str(data_dir / "analytics.duckdb"), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    finally:
        con.close()
    assert "marts" in schemas
