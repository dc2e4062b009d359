"""Jobs over the asset graph."""

import dagster as dg

# The whole daily refresh: feeds, dbt, checks, publication, reports. In-process, because each step
# of the multiprocess executor re-imports the code (~5 s) and DuckDB allows one writer process.
daily_refresh_job = dg.define_asset_job(
    name="daily_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Refresh every feed and everything downstream, then publish and write the reports.",
    tags={"dagster/max_retries": 1},
)

ALL_JOBS = [daily_refresh_job]
