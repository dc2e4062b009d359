"""Small-area jobs and working-age population from Nomis, for the JTS-style employment-centre indicators.

DfT's Journey Time Statistics define employment centres as LSOAs with 100-499, 500-4,999 and 5,000+
jobs (BRES) and report the minimum public-transport time to each and the share of working-age
residents within reach. DfT stopped publishing them; the marts fct_employment_centre_access and
fct_employment_centre_reach_by_la rebuild them for EMCCA over our travel-time matrix.

Live only (sources.nomis_small_area): BRES open access NM_189_1 (employment, all industries, latest
year) and small-area population estimates NM_2014_1 (aged 16-64), by the 1,335 EMCCA LSOAs in chunks
(Nomis URLs have a length limit). Dimension codes come from the Nomis codelists
(`/dataset/{id}/{dimension}.def.sdmx.json`); override them under sources.nomis_small_area.queries.
With the source off the table is empty and the marts say so (no figure is invented offline).
"""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.labour_market.connectors.nomis import NomisClient, NomisQuery, tidy
from assets.labour_market.nomis import nomis_release
from assets.platform.feeds import cadence_label
from assets.platform.http import FeedError
from assets.platform.releases import forget_releases, held_and_current, record_release
from assets.platform.resources import FeedSource, step_retries
from assets.platform.warehouse import ensure_schemas, replace_table, stamp

TABLE = "raw.lsoa_jobs_population"
COLUMNS = ["lsoa21cd", "measure", "dataset", "period", "value", "reliability"]
DEFAULT_QUERIES = [
    NomisQuery(
        "jobs",
        "NM_189_1",
        {"date": "latest", "industry": "37748736", "employment_status": "4", "measure": "1", "measures": "20100"},
    ),
    NomisQuery(
        "working_age_population", "NM_2014_1", {"date": "latest", "gender": "0", "c_age": "203", "measures": "20100"}
    ),
]
CHUNK = 150  # LSOA codes per request


def fetch_small_area(client: NomisClient, query: NomisQuery, lsoa_codes: list[str]) -> pd.DataFrame:
    frames = []
    for i in range(0, len(lsoa_codes), CHUNK):
        params = {"geography": ",".join(lsoa_codes[i : i + CHUNK]), **query.params}
        frames.append(tidy(query.indicator_id, query.dataset, client.fetch(query.dataset, params)))
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"geography_code": "lsoa21cd", "indicator_id": "measure"})[COLUMNS]


@dg.asset(
    key=["raw", "lsoa_jobs_population"],
    group_name="labour_market",
    kinds={"duckdb", "api"},
    pool="duckdb",
    deps=[dg.AssetKey(["raw", "lsoa21_lookup"])],
    description="Jobs (BRES) and working-age residents per EMCCA LSOA from Nomis, for the employment-centre "
    "indicators. Empty unless sources.nomis_small_area is live; refetched on a new release.",
    metadata={
        "source": "Nomis API: BRES NM_189_1, small-area population NM_2014_1 (OGL)",
        "cadence": cadence_label(("raw", "lsoa_jobs_population")),
    },
)
def raw_lsoa_jobs_population(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, nomis_small_area_source: FeedSource
) -> dg.MaterializeResult:
    with step_retries(context, nomis_small_area_source):
        return _load(context, warehouse, nomis_small_area_source)


def _load(context, warehouse: DuckDBResource, source: FeedSource) -> dg.MaterializeResult:
    frame = pd.DataFrame(columns=COLUMNS)
    releases: dict[str, str | None] = {}
    if source.live:
        queries = [
            NomisQuery(q["indicator_id"], q["dataset"], q.get("params", {})) for q in source.options.get("queries", [])
        ] or DEFAULT_QUERIES
        client = NomisClient(
            base_url=source.options.get("base_url", "https://www.nomisweb.co.uk/api/v01"),
            uid=source.api_key,
            session=source.session(),
        )
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            codes = [r[0] for r in conn.execute("select lsoa21cd from raw.lsoa21_lookup order by 1").fetchall()]
        releases = {q.indicator_id: nomis_release(client, q, ["EMCCA LSOA21"]) for q in queries}
        with warehouse.get_connection() as conn:
            held, current = held_and_current(conn, "nomis_small_area", TABLE, "measure", releases, source.force_refetch)
        parts = [held[held["measure"].isin(current)][COLUMNS]] if current else []
        for q in queries:
            if q.indicator_id not in current:
                got = fetch_small_area(client, q, codes)
                if got.empty:
                    raise FeedError(f"Nomis {q.dataset}: no rows for the EMCCA LSOAs; keeping the previous table")
                parts.append(got)
        frame = pd.concat(parts, ignore_index=True)
        context.log.info(f"Nomis small area: {len(queries) - len(current)} refetched, {len(current)} unchanged")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for col in [c for c in COLUMNS if c != "value"]:
        frame[col] = frame[col].astype("string")

    def ledger(conn):
        forget_releases(conn, "nomis_small_area")
        for measure, release in releases.items():
            record_release(conn, "nomis_small_area", measure, release)

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, TABLE, stamp(frame), after=ledger)
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "mode": "live" if source.live else "off"})
