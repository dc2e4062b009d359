"""Jobs over the asset graph."""

import dagster as dg

from orchestration.hooks import record_refresh_failure

# The whole daily refresh: feeds, dbt, checks, publication, reports. In-process, because each step
# of the multiprocess executor re-imports the code (~5 s) and DuckDB allows one writer process.
daily_refresh_job = dg.define_asset_job(
    name="daily_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Refresh every feed and everything downstream, then publish and write the reports.",
    tags={"dagster/max_retries": 1},
    hooks={record_refresh_failure},
)


def _publish_selection() -> dg.AssetSelection:
    from assets.publication.publish import PUBLISHED_MARTS

    marts = [dg.AssetKey(["marts", m]) for m in PUBLISHED_MARTS]
    published = [dg.AssetKey(["published", m]) for m in PUBLISHED_MARTS]
    return dg.AssetSelection.assets(*published) | dg.AssetSelection.checks_for_assets(*marts)


# Re-validate the existing marts and publish them, without rebuilding anything (e.g. after a fix).
publish_job = dg.define_asset_job(
    name="validate_and_publish",
    selection=_publish_selection(),
    executor_def=dg.in_process_executor,
    description="Run the mart gate and publish, without refreshing feeds or dbt.",
    hooks={record_refresh_failure},
)

# Timetables change weekly or on a new feed version: refresh the transport side and what depends on it.
transport_refresh_job = dg.define_asset_job(
    name="transport_refresh",
    # publication is all-or-nothing, so every published table (and its mart gate) is in the job
    selection=(
        dg.AssetSelection.assets(["raw", "gtfs_feed_versions"]).downstream()
        - dg.AssetSelection.assets(["raw", "job_ads"])
    )
    | _publish_selection(),
    executor_def=dg.in_process_executor,
    description="GTFS feeds, travel times, reach marts, publication and reports.",
    hooks={record_refresh_failure},
)

# One day's job adverts (a live feed's day, a file drop) and everything they feed, then the publication:
# the ads, vacancies, reach and escalator marts without refetching ONS statistics or timetables.
jobads_refresh_job = dg.define_asset_job(
    name="jobads_refresh",
    selection=dg.AssetSelection.assets(["raw", "job_ads"]).downstream() | _publish_selection(),
    executor_def=dg.in_process_executor,
    description="One day's job adverts and everything downstream of them, publication and reports.",
    hooks={record_refresh_failure},
)

# One job-ad day only (for backfills): load the partitions, then run the daily refresh once for the rest.
jobads_day_job = dg.define_asset_job(
    name="jobads_day",
    selection=dg.AssetSelection.assets(["raw", "job_ads"]),
    executor_def=dg.in_process_executor,
    description="Load one day's job adverts (a partition of raw.job_ads), nothing downstream.",
    hooks={record_refresh_failure},
)

# The travel-time matrix alone, its origin chunks fanned out across processes (the multiprocess executor:
# only the plan and write steps open the warehouse, so the chunks never contend for DuckDB's lock).
# Run it with `escalator travel-times --chunks 8 --processes 4`; the reach marts follow on the next refresh
# (or run transport_refresh).
travel_time_matrix_job = dg.define_asset_job(
    name="travel_time_matrix",
    selection=dg.AssetSelection.assets(["derived", "travel_times"]),
    executor_def=dg.multiprocess_executor,
    description="Recompute derived.travel_times with its origin chunks in parallel processes.",
    hooks={record_refresh_failure},
)


def on_celery(job, settings, description: str | None = None):
    """The same selection with every step a Celery task (broker and workers: `make broker`, `escalator
    celery-workers`): warehouse steps on the one warehouse worker, the travel-time chunks on the chunk
    workers. The executor is configured from the settings, as the workers' app is."""
    from orchestration.celery_executor import escalator_celery_executor, executor_config

    return dg.define_asset_job(
        name=f"{job.name}_celery",
        selection=job.selection,
        executor_def=escalator_celery_executor.configured(executor_config(settings.celery)),
        description=description or f"{job.description} Every step a Celery task.",
        tags=job.tags,
        hooks=job.hooks,
        partitions_def=job.partitions_def,
    )


ALL_JOBS = [
    daily_refresh_job,
    publish_job,
    transport_refresh_job,
    jobads_refresh_job,
    jobads_day_job,
    travel_time_matrix_job,
]
