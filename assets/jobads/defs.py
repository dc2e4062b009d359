"""Job adverts: the daily-partitioned advert feed (SOC-coded, placed, scrubbed) and ONS advert volumes."""

import dagster as dg

from assets.jobads.assets import raw_job_ads
from assets.jobads.ons_volumes import raw_ons_job_advert_volumes

defs = dg.Definitions(assets=[raw_job_ads, raw_ons_job_advert_volumes])
