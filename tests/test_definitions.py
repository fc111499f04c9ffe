"""The one Definitions object loads, and the nightly schedule is what operations expect."""

from __future__ import annotations

import subprocess
import sys

from dagster import AssetKey

from dagster_project.definitions import NIGHTLY_JOB_NAME, defs
from dagster_project.ingest.contract import feeds
from dagster_project.settings import REPO_ROOT


def test_dagster_validates_the_definitions():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "definitions",
            "validate",
            "-m",
            "dagster_project.definitions",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_nightly_schedule_runs_the_whole_job_at_two_uk_time():
    schedule = defs.resolve_schedule_def("nightly_warehouse_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/London"
    assert schedule.job_name == NIGHTLY_JOB_NAME


def test_every_feed_is_an_asset_upstream_of_its_staging_model():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for feed in feeds():
        assert f"raw/{feed.name}" in keys
        staging = graph.get(AssetKey(["staging", f"stg_{feed.name}"]))
        assert AssetKey(["raw", feed.name]) in staging.parent_keys
