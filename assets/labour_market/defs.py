"""Official labour-market statistics: ONS Explore Local Statistics, Nomis, Stat-Xplore, DfE NEET and
small-area jobs and population."""

import dagster as dg

from assets.labour_market.dfe_neet import raw_dfe_neet_observations
from assets.labour_market.nomis import raw_nomis_observations
from assets.labour_market.ons import raw_ons_dataset_metadata, raw_ons_local_indicators
from assets.labour_market.small_area import raw_lsoa_jobs_population
from assets.labour_market.statxplore import raw_statxplore_observations

defs = dg.Definitions(
    assets=[
        raw_ons_local_indicators,
        raw_ons_dataset_metadata,
        raw_nomis_observations,
        raw_statxplore_observations,
        raw_dfe_neet_observations,
        raw_lsoa_jobs_population,
    ]
)
