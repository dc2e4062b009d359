"""Reference data shipped with the repository: SOC 2020, ASHE pay, geography lookups and boundaries,
O*NET skills, National Careers Service profiles."""

import dagster as dg

from assets.reference.assets import raw_lsoa21_boundaries, reference_assets

defs = dg.Definitions(assets=[*reference_assets, raw_lsoa21_boundaries])
