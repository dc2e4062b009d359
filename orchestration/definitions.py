"""The Dagster code location: every asset, check, job, schedule, sensor and resource."""

import dagster as dg

from assets.dfe import raw_dfe_neet_observations
from assets.employment_centres import raw_lsoa_jobs_population
from assets.escalator.assets import (raw_ncs_profile_soc2020, raw_soc2020_ncs_similarity,
                                     raw_soc2020_text_similarity)
from assets.jobads.assets import raw_job_ads
from assets.ons_job_adverts import raw_ons_job_advert_volumes
from assets.ons import (raw_nomis_observations, raw_ons_dataset_metadata, raw_ons_local_indicators,
                        raw_statxplore_observations)
from assets.publish import tracker_publication
from assets.reports import html_reports
from assets.transport.assets import raw_gtfs_feed_versions
from assets.transport.matrix import raw_travel_times
from assets.reference import raw_lsoa21_boundaries, reference_assets
from assets.transform import dbt_models
from expectations.checks import ALL_CHECKS
from orchestration.freshness import FRESHNESS_CHECKS
from orchestration.jobs import ALL_JOBS
from orchestration.resources import build_resources
from orchestration.schedules import ALL_SCHEDULES
from orchestration.sensors import ALL_SENSORS
from orchestration.settings import Settings

ASSETS = [
    *reference_assets, raw_lsoa21_boundaries,
    raw_ons_local_indicators, raw_ons_dataset_metadata, raw_nomis_observations, raw_statxplore_observations,
    raw_dfe_neet_observations,
    raw_job_ads, raw_ons_job_advert_volumes,
    raw_soc2020_text_similarity, raw_ncs_profile_soc2020, raw_soc2020_ncs_similarity,
    raw_gtfs_feed_versions, raw_travel_times, raw_lsoa_jobs_population,
    dbt_models,
    tracker_publication,
    html_reports,
]


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=[*ALL_CHECKS, *FRESHNESS_CHECKS],
        jobs=ALL_JOBS,
        schedules=ALL_SCHEDULES,
        sensors=ALL_SENSORS,
        resources=build_resources(settings),
    )


defs = build_defs()


def travel_time_matrix_job() -> dg.JobDefinition:
    """For dg.reconstructable: multiprocess runs rebuild the job in each step's process from here."""
    return defs.resolve_job_def("travel_time_matrix")
