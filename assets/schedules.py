"""A daily full refresh, so marts stay fresh even when no sensor tick noticed a change."""

import dagster as dg

from assets.jobs import refresh_job

daily_refresh_schedule = dg.ScheduleDefinition(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
