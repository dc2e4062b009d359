"""Public transport: GTFS feed versions and the LSOA travel-time matrix over the last good network."""

import dagster as dg

from assets.transport.assets import raw_gtfs_feed_versions
from assets.transport.matrix import derived_travel_times

defs = dg.Definitions(assets=[raw_gtfs_feed_versions, derived_travel_times])
