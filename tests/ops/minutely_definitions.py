"""Test-only code location: the real definitions plus a schedule firing every minute (UTC)."""

import dagster as dg

from dagster_project.definitions import defs as nightly_defs
from dagster_project.definitions import nightly_job

MINUTELY_SCHEDULE = "minutely_warehouse_schedule"

minutely_schedule = dg.ScheduleDefinition(
    name=MINUTELY_SCHEDULE,
    job=nightly_job,
    cron_schedule="* * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions.merge(nightly_defs, dg.Definitions(schedules=[minutely_schedule]))
