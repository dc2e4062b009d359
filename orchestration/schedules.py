"""Schedules."""

import dagster as dg

from orchestration.jobs import daily_refresh_job, transport_refresh_job


@dg.schedule(
    name="daily_refresh_schedule",
    job=daily_refresh_job,
    cron_schedule="30 5 * * *",  # early morning, before the Partnership's working day
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The daily refresh at 05:30 UK time: today's job-ad partition and everything downstream.",
)
def daily_refresh_schedule(context: dg.ScheduleEvaluationContext):
    day = context.scheduled_execution_time.date().isoformat()
    return dg.RunRequest(run_key=f"daily-{day}", partition_key=day, tags={"trigger": "schedule"})


weekly_transport_schedule = dg.ScheduleDefinition(
    name="weekly_transport_schedule",
    job=transport_refresh_job,
    cron_schedule="0 4 * * 1",  # Monday 04:00: BODS regenerates feeds daily; timetables change weekly
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Weekly GTFS refresh and travel-time recomputation (the sensor catches changes in between).",
)

ALL_SCHEDULES = [daily_refresh_schedule, weekly_transport_schedule]
