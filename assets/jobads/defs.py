"""Job adverts: the daily-partitioned advert feed (SOC-coded, placed, scrubbed), ONS advert volumes and
the coded job-title lookup."""

import dagster as dg

from assets.jobads.assets import raw_job_ads
from assets.jobads.ons_volumes import raw_ons_job_advert_volumes
from assets.jobads.title_codes import derived_job_title_codes

defs = dg.Definitions(assets=[raw_job_ads, raw_ons_job_advert_volumes, derived_job_title_codes])
