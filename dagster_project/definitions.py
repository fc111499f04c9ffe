"""The one Definitions object: assets, checks, job, schedule and injected resources."""

import os
from pathlib import Path

import dagster as dg

from dagster_project.dbt_assets import IomDbtCliResource, dbt_model_assets
from dagster_project.ingest.assets import feed_assets, feed_loads_spec
from dagster_project.ops.alerts import run_failure_alert
from dagster_project.ops.failures import classify_failure_for_retry
from dagster_project.ops.resources import operations_resources
from dagster_project.ops.retention import apply_retention
from dagster_project.paths import DEFAULT_DATA_DIR, DEFAULT_LANDING_DIR
from dagster_project.project import DBT_EXECUTABLE, dbt_project
from dagster_project.publication import published_marts
from dagster_project.quality.checks import (
    QualityResource,
    build_all_feed_checks,
    build_table_checks,
)
from dagster_project.report.assets import REPORT_GROUP, performance_report
from dagster_project.resources import (
    LandingResource,
    PseudonymiserResource,
    RunSettingsResource,
    WarehouseResource,
)
from dagster_project.scoring.assets import scoring_assets

NIGHTLY_JOB_NAME = "nightly_warehouse"

# In process: DuckDB has one writer per file, so Python assets and dbt must take turns,
# and one process avoids paying Dagster's start-up per step. The report is monthly, not nightly.
nightly_job = dg.define_asset_job(
    name=NIGHTLY_JOB_NAME,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(REPORT_GROUP),
    executor_def=dg.in_process_executor,
    hooks={classify_failure_for_retry},
    description="Load every feed, build every dbt model and check, publish the marts.",
)

monthly_report_job = dg.define_asset_job(
    name="monthly_report",
    selection=dg.AssetSelection.groups(REPORT_GROUP),
    executor_def=dg.in_process_executor,
    description="Render the monthly performance report from the published marts.",
)

monthly_report_schedule = dg.ScheduleDefinition(
    name="monthly_report_schedule",
    job=monthly_report_job,
    cron_schedule="0 6 1 * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="06:00 UK time on the 1st: the report on last month's published marts.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_warehouse_schedule",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 UK time, after the extracts have landed.",
)


def build_resources(data_dir: Path, landing_dir: Path, pseudonym_key: str) -> dict[str, object]:
    return {
        "warehouse": WarehouseResource(data_dir=str(data_dir)),
        "landing": LandingResource(landing_dir=str(landing_dir)),
        "pseudonymiser": PseudonymiserResource(key=pseudonym_key),
        "run_settings": RunSettingsResource(),
        "quality": QualityResource(),
        "dbt": IomDbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=str(DBT_EXECUTABLE),
        ),
    }


def resources_from_environment() -> dict[str, object]:
    data_dir = Path(os.environ.get("IOM_DATA_DIR", DEFAULT_DATA_DIR))
    landing_dir = Path(os.environ.get("IOM_LANDING_DIR", DEFAULT_LANDING_DIR))
    return {
        **build_resources(data_dir, landing_dir, os.environ.get("IOM_PSEUDONYM_KEY", "")),
        **operations_resources(os.environ),
    }


defs = dg.Definitions(
    assets=[
        *feed_assets,
        feed_loads_spec,
        *dbt_model_assets,
        *scoring_assets,
        published_marts,
        apply_retention,
        performance_report,
    ],
    asset_checks=[
        *build_all_feed_checks(),
        *filter(None, [build_table_checks([*dbt_model_assets, *scoring_assets])]),
    ],
    jobs=[nightly_job, monthly_report_job],
    schedules=[nightly_schedule, monthly_report_schedule],
    sensors=[run_failure_alert],
    resources=resources_from_environment(),
)
