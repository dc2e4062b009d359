"""Schedules."""

import dagster as dg

from orchestration.jobs import daily_refresh_job

daily_refresh_schedule = dg.ScheduleDefinition(
    name="daily_refresh_schedule",
    job=daily_refresh_job,
    cron_schedule="30 5 * * *",  # early morning, before the Partnership's working day
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The daily refresh at 05:30 UK time.",
)

ALL_SCHEDULES = [daily_refresh_schedule]
