"""DWP Stat-Xplore: the share of people on Universal Credit not in employment, by EMCCA local authority
and month (live only, needs STATXPLORE_API_KEY)."""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.labour_market.connectors import statxplore
from assets.labour_market.official import NOMIS_COLUMNS, official_frame
from assets.platform.feeds import cadence_label
from assets.platform.geography import TRACKER_GEOGRAPHIES
from assets.platform.http import FeedError
from assets.platform.resources import FeedSource, step_retries
from assets.platform.warehouse import ensure_schemas, replace_table, stamp


@dg.asset(
    key=["raw", "statxplore_observations"],
    group_name="labour_market",
    kinds={"duckdb", "api"},
    pool="duckdb",
    description="DWP Stat-Xplore: share of people on Universal Credit not in employment, by EMCCA "
    "local authority and month (empty unless sources.statxplore is live; needs "
    "STATXPLORE_API_KEY).",
    metadata={
        "source": "DWP Stat-Xplore, Universal Credit (OGL)",
        "cadence": cadence_label(("raw", "statxplore_observations")),
    },
)
def raw_statxplore_observations(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, statxplore_source: FeedSource
) -> dg.MaterializeResult:
    with step_retries(context, statxplore_source):
        return _load(warehouse, statxplore_source)


def _load(warehouse: DuckDBResource, source: FeedSource) -> dg.MaterializeResult:
    frame = pd.DataFrame(columns=NOMIS_COLUMNS)
    if source.live:
        key = source.api_key
        if not key:
            raise FeedError("Stat-Xplore is live but STATXPLORE_API_KEY is not set")
        # the /table POST only reads, so it is retried like a GET (429 with Retry-After, 5xx)
        session = source.session(retry_post=True)
        client = statxplore.StatXploreClient(key, session, source.options.get("base_url", statxplore.BASE_URL))
        query = source.options.get("query") or statxplore.default_query(
            [c for c in TRACKER_GEOGRAPHIES if c.startswith(("E06", "E07"))]
        )
        cells = statxplore.tidy(client.table(query))
        if cells.empty:
            raise FeedError("Stat-Xplore: the response had no cells; keeping the previous table")
        frame = statxplore.uc_not_in_employment(cells, query)
    frame = official_frame(frame)
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, "raw.statxplore_observations", stamp(frame))
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "mode": "live" if source.live else "off"})
