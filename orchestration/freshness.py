"""Freshness checks for every raw asset, at the cadence its feed publishes (assets/platform/feeds.py): a
warning, not a gate; the great-expectations freshness expectations are what block publication."""

import warnings

import dagster as dg

from assets.platform.feeds import FEEDS

with (
    warnings.catch_warnings()
):  # superseded by FreshnessPolicy (a preview in 1.13): see sensors.py for why we keep them
    warnings.simplefilter("ignore")
    FRESHNESS_CHECKS = [
        check
        for feed in FEEDS
        for check in dg.build_last_update_freshness_checks(
            assets=[dg.AssetKey(list(k)) for k in feed.assets], lower_bound_delta=feed.cadence, timezone="Europe/London"
        )
    ]
