"""Test-only code location: the real definitions plus a schedule firing every minute (UTC)."""

import dagster as dg

from dagster_project import definitions

MINUTELY_SCHEDULE = "minutely_warehouse_schedule"

minutely_schedule = dg.ScheduleDefinition(
    name=MINUTELY_SCHEDULE,
    job=definitions.nightly_job,
    cron_schedule="* * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

# One Definitions object at module scope (Dagster refuses two).
defs = dg.Definitions.merge(definitions.defs, dg.Definitions(schedules=[minutely_schedule]))
