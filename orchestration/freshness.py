"""Freshness checks per source asset, by the cadence each source publishes at (a warning, not a gate:
the great-expectations freshness expectations are what block publication)."""

import warnings
from datetime import timedelta

import dagster as dg

CADENCES = {
    timedelta(days=1, hours=6): [["raw", "job_ads"]],
    timedelta(days=35): [["raw", "ons_local_indicators"], ["raw", "ons_dataset_metadata"],
                         ["raw", "ons_job_advert_volumes"]],
    timedelta(days=8): [["raw", "gtfs_feed_versions"], ["raw", "travel_times"]],
    timedelta(days=400): [["raw", "soc2020_unit_groups"], ["raw", "ashe_table14"], ["raw", "lsoa21_lookup"],
                          ["raw", "onet_skills"]],
}

with warnings.catch_warnings():  # superseded by FreshnessPolicy (a preview in 1.13): see sensors.py for why we keep them
    warnings.simplefilter("ignore")
    FRESHNESS_CHECKS = [
        check
        for delta, keys in CADENCES.items()
        for check in dg.build_last_update_freshness_checks(
            assets=[dg.AssetKey(k) for k in keys], lower_bound_delta=delta, timezone="Europe/London")
    ]
