"""The one Definitions object: assets, checks, job, schedule and injected resources."""

from pathlib import Path

from dagster_project.heap import long_lived

# The imports create most of what the process keeps until it exits (dagster_project/heap.py).
with long_lived():
    import dagster as dg

    from dagster_project.ingest.assets import feed_assets, feed_loads_spec
    from dagster_project.ops.alerts import run_failure_alert
    from dagster_project.ops.failures import classify_failure_for_retry
    from dagster_project.ops.recovery import (
        NIGHTLY_JOB_NAME,
        NIGHTLY_START,
        NIGHTLY_TIMEZONE,
        nightly_run_watch,
    )
    from dagster_project.ops.resources import operations_resources
    from dagster_project.ops.retention import apply_retention
    from dagster_project.publish.assets import published_marts
    from dagster_project.quality.checks import (
        QualityResource,
        build_all_feed_checks,
        build_table_checks,
    )
    from dagster_project.report.assets import REPORT_GROUP, performance_report
    from dagster_project.resources import (
        LandingResource,
        PseudonymiserResource,
        RunLockResource,
        RunSettingsResource,
        WarehouseResource,
    )
    from dagster_project.scoring.assets import scoring_assets
    from dagster_project.settings import (
        DEFAULT_DUCKDB_MEMORY_LIMIT,
        DEFAULT_ENGINE,
        DEFAULT_PROTECTIVE_MARKING,
        DEFAULT_SPARK_DRIVER_MEMORY,
        DEFAULT_SPARK_MASTER,
        Settings,
        from_environment,
    )
    from dagster_project.transform.assets import IomDbtCliResource, dbt_model_assets
    from dagster_project.transform.project import DBT_GUARDED_EXECUTABLE, dbt_project

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
    cron_schedule=f"{NIGHTLY_START.minute} {NIGHTLY_START.hour} * * *",
    execution_timezone=NIGHTLY_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 UK time, after the extracts have landed.",
)


def build_resources(
    data_dir: Path,
    landing_dir: Path,
    pseudonym_key: dg.EnvVar | str = "",
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT,
    duckdb_temp_dir: str = "",
    protective_marking: str = DEFAULT_PROTECTIVE_MARKING,
    engine: str = DEFAULT_ENGINE,
    spark_master: str = DEFAULT_SPARK_MASTER,
    spark_driver_memory: str = DEFAULT_SPARK_DRIVER_MEMORY,
    spark_conf: dg.EnvVar | str = "",
) -> dict[str, object]:
    return {
        "warehouse": WarehouseResource(
            data_dir=str(data_dir),
            memory_limit=duckdb_memory_limit,
            temp_dir=duckdb_temp_dir,
            protective_marking=protective_marking,
            engine=engine,
            spark_master=spark_master,
            spark_driver_memory=spark_driver_memory,
            spark_conf=spark_conf,
        ),
        "run_lock": RunLockResource(data_dir=str(data_dir)),
        "landing": LandingResource(landing_dir=str(landing_dir)),
        "pseudonymiser": PseudonymiserResource(key=pseudonym_key),
        "run_settings": RunSettingsResource(),
        "quality": QualityResource(),
        "dbt": IomDbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=str(DBT_GUARDED_EXECUTABLE),
        ),
    }


def resources_for(settings: Settings) -> dict[str, object]:
    return {
        **build_resources(
            settings.data_dir,
            settings.landing_dir,
            settings.pseudonym_key(),
            settings.duckdb_memory_limit,
            settings.duckdb_temp_dir,
            settings.protective_marking,
            settings.engine,
            settings.spark_master,
            settings.spark_driver_memory,
            settings.spark_conf_setting(),
        ),
        **operations_resources(settings),
    }


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
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
        sensors=[run_failure_alert, nightly_run_watch],
        resources=resources_for(settings),
    )


defs = build_definitions(from_environment())
