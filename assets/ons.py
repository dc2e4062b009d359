"""ONS statistics feeds: Explore Local Statistics (embedded snapshot or live) and the Nomis API."""

import hashlib
import json

import pandas as pd
import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.connectors.http import FeedError, make_session
from assets.connectors.nomis import TRACKER_GEOGRAPHIES, NomisClient, NomisQuery, check_expected, tidy
from assets.connectors.ons_local_stats import DATASETS, OnsLocalStatsClient
from assets.csv_loader import TableSpec, load_csv, typed_frame
from assets.ons_metadata import parse_metadata, read_metadata_folder
from assets.releases import forget_releases, held_and_current, record_release
from assets.warehouse import ensure_schemas, replace_table, stamp, write_quarantine
from orchestration.resources import PlatformConfig
from orchestration.settings import NETWORK_RETRY, load_settings

OGL = "OGL v3.0"

ONS_INDICATORS_SPEC = TableSpec(
    "ons_local_indicators", "ons/emcca_local_indicators_long.csv",
    {"dataset": "varchar", "areacd": "varchar", "areanm": "varchar", "geography": "varchar",
     "indicator": "varchar", "period": "varchar", "observation": "double", "measure": "varchar",
     "unit": "varchar", "lci_95": "double", "uci_95": "double", "status": "varchar", "notes": "varchar"},
    ("dataset", "areacd", "indicator", "period"), "ons",
    "ONS Explore Local Statistics indicators for EMCCA, its LAs, regions, CAs and the UK nations.",
    "ONS Explore Local Statistics", OGL)

# Areas kept from live national files: the tracker's geographies plus every region and combined authority.
KEEP_AREAS = {*TRACKER_GEOGRAPHIES, "E10000007", "E10000024", "K02000001", "K03000001", "K04000001"}
KEEP_GEOGRAPHIES = {"Region", "Combined Authority or City Region", "Country"}

# Nomis queries behind Table 8.1 rows with no offline source. Codes from the Nomis codelists
# (NM_162_1 claimant count: gender/age 0 = all, measure 2 = % of residents 16-64; NM_17_5 APS
# variables as public code uses them against the live API); extend or override in escalator.yaml under
# sources.nomis.queries. `expect` checks the variable's name in the response, so a code that means
# something else fails loudly. The disability gap is derived in dbt (not disabled minus disabled).
APS = {"date": "latestMINUS4-latest", "measures": "20599,21001,21002,21003"}
DEFAULT_NOMIS_QUERIES = [
    NomisQuery("claimant_count_rate", "NM_162_1",
               {"date": "latestMINUS11-latest", "gender": "0", "age": "0", "measure": "2", "measures": "20100"}),
    NomisQuery("employment_rate", "NM_17_5", {**APS, "variable": "45"},
               {"variable_name": r"(?i)^employment rate\b(?!.*(male|female|women|men|disabled)).*16-64"}),
    NomisQuery("female_employment_rate", "NM_17_5", {**APS, "variable": "63"},
               {"variable_name": r"(?i)employment rate.*(female|women)"}),
    NomisQuery("inactive_want_job", "NM_17_5", {**APS, "variable": "254"},
               {"variable_name": r"(?i)inactive who want a job"}),
    NomisQuery("employment_rate_disabled", "NM_17_5", {**APS, "variable": "1757"},
               {"variable_name": r"(?i)^(?!.*\bnot\b).*employment rate.*disabled"}),
    NomisQuery("employment_rate_not_disabled", "NM_17_5", {**APS, "variable": "1760"},
               {"variable_name": r"(?i)employment rate.*\bnot\b.*disabled"}),
    NomisQuery("job_density", "NM_57_1", {"date": "latestMINUS4-latest", "item": "3", "measures": "20100"}),
]
NOMIS_COLUMNS = ["indicator_id", "dataset", "geography_code", "geography_name", "geography_type", "period",
                 "value", "numerator", "denominator", "ci_half_width", "obs_status", "reliability"]


def official_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The shared column types of the API feeds (Nomis, Stat-Xplore, DfE), also when empty."""
    frame = frame.reindex(columns=NOMIS_COLUMNS)
    for col in NOMIS_COLUMNS:
        numeric = col in ("value", "numerator", "denominator", "ci_half_width")
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64") if numeric \
            else frame[col].astype("string")
    return frame


def _ons_client(source) -> OnsLocalStatsClient:
    kwargs = {"base_url": source.options["base_url"]} if "base_url" in source.options else {}
    return OnsLocalStatsClient(session=make_session(**source.http_options()), **kwargs)


@dg.asset(key=["raw", "ons_local_indicators"], group_name="ons", kinds={"duckdb", "csv"},
          description=ONS_INDICATORS_SPEC.description, pool="duckdb", retry_policy=NETWORK_RETRY,
          metadata={"source": ONS_INDICATORS_SPEC.source, "licence": OGL, "cadence": "monthly",
                    "embedded_file": f"data/embedded/{ONS_INDICATORS_SPEC.path}"})
def raw_ons_local_indicators(context: dg.AssetExecutionContext, warehouse: DuckDBResource,
                             platform: PlatformConfig) -> dg.MaterializeResult:
    source = load_settings().source("ons_local_stats")
    if not source.live:
        result = load_csv(platform.embedded / ONS_INDICATORS_SPEC.path, ONS_INDICATORS_SPEC)
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            rows = replace_table(conn, "raw.ons_local_indicators", stamp(result.frame),
                                 after=lambda c: forget_releases(c, "ons_local_stats"))
            write_quarantine(conn, "ons_local_indicators", result.quarantined, run_id=context.run.run_id)
        return dg.MaterializeResult(metadata={"dagster/row_count": rows, "mode": "embedded",
                                              "quarantined_rows": len(result.quarantined)})

    # Live: download only the datasets whose file changed since the release the warehouse holds.
    client = _ons_client(source)
    datasets = list(source.options.get("datasets", DATASETS))
    releases = {d: client.release(d) for d in datasets}
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        held, current = held_and_current(conn, "ons_local_stats", "raw.ons_local_indicators", "dataset", releases)
    changed = [d for d in datasets if d not in current]
    # rows of unchanged datasets are kept and re-stamped: `_loaded_at` says when the source was last checked
    kept = held[held["dataset"].isin(current)].drop(columns=["_loaded_at"]) if current else None
    quarantined = 0
    frames = [stamp(kept)] if current else []
    if changed:
        text = pd.concat([client.fetch_csv(d, KEEP_AREAS, KEEP_GEOGRAPHIES) for d in changed], ignore_index=True)
        result = typed_frame(text, ONS_INDICATORS_SPEC, "ONS Explore Local Statistics (live)")
        frames.append(stamp(result.frame))
        quarantined = len(result.quarantined)
    context.log.info(f"ONS local statistics: {len(changed)} dataset(s) with a new release, {len(current)} unchanged")
    with warehouse.get_connection() as conn:
        rows = replace_table(conn, "raw.ons_local_indicators", pd.concat(frames, ignore_index=True),
                             after=lambda c: [record_release(c, "ons_local_stats", d, releases[d]) for d in changed])
        if changed:
            write_quarantine(conn, "ons_local_indicators", result.quarantined, run_id=context.run.run_id)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows, "mode": "live", "quarantined_rows": quarantined,
        "datasets_refetched": dg.MetadataValue.json(changed), "datasets_unchanged": dg.MetadataValue.json(current)})


@dg.asset(key=["raw", "ons_dataset_metadata"], group_name="ons", kinds={"duckdb", "json"},
          description="ONS Explore Local Statistics metadata: labels, sources, release dates, caveats.",
          metadata={"source": "ONS Explore Local Statistics metadata JSON", "licence": OGL}, pool="duckdb",
          retry_policy=NETWORK_RETRY)
def raw_ons_dataset_metadata(warehouse: DuckDBResource, platform: PlatformConfig) -> dg.MaterializeResult:
    source = load_settings().source("ons_local_stats")
    if source.live:
        client = _ons_client(source)
        rows = [r for d in source.options.get("datasets", DATASETS)
                for r in parse_metadata(d, client.fetch_metadata(d), f"live {d}.json")]
        frame = pd.DataFrame(rows)
    else:
        frame = read_metadata_folder(platform.embedded / "ons/metadata")
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, "raw.ons_dataset_metadata", stamp(frame))
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "mode": "live" if source.live else "embedded"})


def fetch_nomis(client: NomisClient, queries: list[NomisQuery], geographies: list[str]) -> pd.DataFrame:
    frames = []
    for q in queries:
        params = {"geography": ",".join(geographies), **q.params}
        raw = client.fetch(q.dataset, params, extra_select=tuple(q.expect))
        check_expected(q, raw)
        frames.append(tidy(q.indicator_id, q.dataset, raw))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=NOMIS_COLUMNS)
    return out.reindex(columns=NOMIS_COLUMNS)


def nomis_release(client: NomisClient, query: NomisQuery, geographies: list[str]) -> str | None:
    """Nomis's LastUpdated for the dataset plus a digest of our query, so a changed query refetches too."""
    last_updated = client.last_updated(query.dataset)
    if not last_updated:
        return None
    digest = hashlib.sha1(json.dumps([query.dataset, dict(query.params), geographies], sort_keys=True).encode())
    return f"{last_updated} query:{digest.hexdigest()[:10]}"


def _record_nomis(conn, releases: dict[str, str | None]) -> None:
    forget_releases(conn, "nomis")  # off, or queries removed: nothing is held any more
    for indicator_id, release in releases.items():
        record_release(conn, "nomis", indicator_id, release)


@dg.asset(key=["raw", "nomis_observations"], group_name="ons", kinds={"duckdb", "api"},
          description="Nomis API observations (APS, jobs density, claimant count) for the tracker's geographies. "
                      "Live only: with the source off the table is empty and the tracker says 'no source connected'.",
          metadata={"source": "Nomis API v01", "licence": OGL, "cadence": "monthly/quarterly"},
          pool="duckdb", retry_policy=NETWORK_RETRY)
def raw_nomis_observations(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    source = load_settings().source("nomis")
    frame = pd.DataFrame(columns=NOMIS_COLUMNS)
    releases: dict[str, str | None] = {}
    current: list[str] = []
    if source.live:
        queries = [NomisQuery(q["indicator_id"], q["dataset"], q.get("params", {}), q.get("expect", {}))
                   for q in source.options.get("queries", [])] or DEFAULT_NOMIS_QUERIES
        client = NomisClient(base_url=source.options.get("base_url", "https://www.nomisweb.co.uk/api/v01"),
                             uid=source.secret("NOMIS_API_KEY"), session=make_session(**source.http_options()))
        geographies = list(source.options.get("geographies", TRACKER_GEOGRAPHIES))
        releases = {q.indicator_id: nomis_release(client, q, geographies) for q in queries}
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            held, current = held_and_current(conn, "nomis", "raw.nomis_observations", "indicator_id", releases)
        stale = [q for q in queries if q.indicator_id not in current]
        context.log.info(f"Nomis: {len(stale)} query(ies) with a new release, {len(current)} unchanged")
        # rows of unchanged queries are kept and re-stamped: `_loaded_at` says when the source was last checked
        kept = held[held["indicator_id"].isin(current)].reindex(columns=NOMIS_COLUMNS) if current else None
        frame = fetch_nomis(client, stale, geographies) if stale else kept
        if stale and frame.empty:
            raise FeedError("Nomis: every query returned no rows; keeping the previous table")
        if stale and current:
            frame = pd.concat([kept, frame], ignore_index=True)
    frame = official_frame(frame)
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, "raw.nomis_observations", stamp(frame), after=lambda c: _record_nomis(c, releases))
    context.log.info(f"Nomis live={source.live}: {n} rows")
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "mode": "live" if source.live else "off",
                                          "queries_unchanged": dg.MetadataValue.json(current)})


@dg.asset(key=["raw", "statxplore_observations"], group_name="ons", kinds={"duckdb", "api"}, pool="duckdb",
          retry_policy=NETWORK_RETRY,
          description="DWP Stat-Xplore: share of people on Universal Credit not in employment, by EMCCA "
                      "local authority and month (empty unless sources.statxplore is live; needs "
                      "STATXPLORE_API_KEY).",
          metadata={"source": "DWP Stat-Xplore, Universal Credit (OGL)", "cadence": "monthly"})
def raw_statxplore_observations(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    from assets.connectors import statxplore

    source = load_settings().source("statxplore")
    frame = pd.DataFrame(columns=NOMIS_COLUMNS)
    if source.live:
        key = source.secret("STATXPLORE_API_KEY")
        if not key:
            raise FeedError("Stat-Xplore is live but STATXPLORE_API_KEY is not set")
        client = statxplore.StatXploreClient(key, make_session(**source.http_options()),
                                             source.options.get("base_url", statxplore.BASE_URL))
        query = source.options.get("query") or statxplore.default_query(
            [c for c in TRACKER_GEOGRAPHIES if c.startswith(("E06", "E07"))])
        cells = statxplore.tidy(client.table(query))
        if cells.empty:
            raise FeedError("Stat-Xplore: the response had no cells; keeping the previous table")
        frame = statxplore.uc_not_in_employment(cells, query)
    frame = official_frame(frame)
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, "raw.statxplore_observations", stamp(frame))
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "mode": "live" if source.live else "off"})
