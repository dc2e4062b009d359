"""The Dagster code location: every asset, check, job, schedule, sensor and resource."""

import dagster as dg

from assets.ons import raw_nomis_observations, raw_ons_dataset_metadata, raw_ons_local_indicators
from assets.reference import raw_lsoa21_boundaries, reference_assets
from assets.transform import dbt_models
from orchestration.jobs import ALL_JOBS
from orchestration.resources import build_resources
from orchestration.schedules import ALL_SCHEDULES

defs = dg.Definitions(
    assets=[*reference_assets, raw_lsoa21_boundaries, raw_ons_local_indicators, raw_ons_dataset_metadata,
            raw_nomis_observations, dbt_models],
    jobs=ALL_JOBS,
    schedules=ALL_SCHEDULES,
    resources=build_resources(),
)
