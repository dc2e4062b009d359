"""The Nomis API: APS employment series, job density and the claimant count for the tracker's
geographies (live only; with the source off the table is empty and the tracker says so)."""

import hashlib
import json
from dataclasses import dataclass, field

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.labour_market.connectors.nomis import (
    NomisClient,
    NomisQuery,
    check_expected,
    missing_geographies,
    split_unrequested,
    tidy,
)
from assets.labour_market.official import NOMIS_COLUMNS, official_frame
from assets.platform.feeds import cadence_label
from assets.platform.geography import TRACKER_GEOGRAPHIES
from assets.platform.http import FeedError
from assets.platform.releases import forget_releases, held_and_current, record_release
from assets.platform.resources import FeedSource, step_retries
from assets.platform.warehouse import QuarantineRow, ensure_schemas, replace_table, stamp, write_quarantine

OGL = "OGL v3.0"

# Nomis queries behind Table 8.1 rows with no offline source. Codes from the Nomis codelists
# (NM_162_1 claimant count: gender/age 0 = all, measure 2 = % of residents 16-64; NM_17_5 APS
# variables as public code uses them against the live API; NM_162_1 measure 2's name and NM_57_1 item 3
# "Jobs density" as public code reads them back); extend or override in escalator.yaml under
# sources.nomis.queries. `expect` checks the variable's name in the response, so a code that means
# something else fails loudly. The disability gap is derived in dbt (not disabled minus disabled).
APS = {"date": "latestMINUS4-latest", "measures": "20599,21001,21002,21003"}
DEFAULT_NOMIS_QUERIES = [
    NomisQuery(
        "claimant_count_rate",
        "NM_162_1",
        {"date": "latestMINUS11-latest", "gender": "0", "age": "0", "measure": "2", "measures": "20100"},
        {"measure_name": r"(?i)^claimants as a proportion of residents aged 16-64$"},
    ),
    NomisQuery(
        "employment_rate",
        "NM_17_5",
        {**APS, "variable": "45"},
        {"variable_name": r"(?i)^employment rate\b(?!.*(male|female|women|men|disabled)).*16-64"},
    ),
    NomisQuery(
        "female_employment_rate",
        "NM_17_5",
        {**APS, "variable": "63"},
        {"variable_name": r"(?i)employment rate.*(female|women)"},
    ),
    NomisQuery(
        "inactive_want_job", "NM_17_5", {**APS, "variable": "254"}, {"variable_name": r"(?i)inactive who want a job"}
    ),
    NomisQuery(
        "employment_rate_disabled",
        "NM_17_5",
        {**APS, "variable": "1757"},
        {"variable_name": r"(?i)^(?!.*\bnot\b).*employment rate.*disabled"},
    ),
    NomisQuery(
        "employment_rate_not_disabled",
        "NM_17_5",
        {**APS, "variable": "1760"},
        {"variable_name": r"(?i)employment rate.*\bnot\b.*disabled"},
    ),
    NomisQuery(
        "job_density",
        "NM_57_1",
        {"date": "latestMINUS4-latest", "item": "3", "measures": "20100"},
        {"item_name": r"(?i)^jobs density$"},
    ),
]


@dataclass
class FetchReport:
    """What the responses held that the queries did not ask for, and what they lacked."""

    unrequested: list[QuarantineRow] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # indicator_id -> geographies not returned


def fetch_nomis(
    client: NomisClient, queries: list[NomisQuery], geographies: list[str], report: FetchReport | None = None
) -> pd.DataFrame:
    """Every query's rows, tidied. Rows the query did not ask for (another geography, measure, item or
    variable) never reach the table: they go to `report.unrequested` with the field and value."""
    report = report if report is not None else FetchReport()
    frames = []
    for q in queries:
        params = {"geography": ",".join(geographies), **q.params}
        raw = client.fetch(q.dataset, params, extra_select=tuple(q.expect))
        raw, extra = split_unrequested(raw, params, f"Nomis {q.dataset} ({q.indicator_id})")
        shown = {k: v for k, v in params.items() if k != "geography"}
        report.unrequested += [
            QuarantineRow(
                f"{q.indicator_id}:{u.row}",
                u.field,
                f"Nomis {q.dataset} returned {u.field} {u.value!r}, which the query {shown} did not ask for",
                u.record,
            )
            for u in extra
        ]
        if missing := missing_geographies(raw, params):
            report.missing[q.indicator_id] = missing
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


@dg.asset(
    key=["raw", "nomis_observations"],
    group_name="labour_market",
    kinds={"duckdb", "api"},
    description="Nomis API observations (APS, jobs density, claimant count) for the tracker's geographies. "
    "Live only: with the source off the table is empty and the tracker says 'no source connected'.",
    metadata={"source": "Nomis API v01", "licence": OGL, "cadence": cadence_label(("raw", "nomis_observations"))},
    pool="duckdb",
)
def raw_nomis_observations(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, nomis_source: FeedSource
) -> dg.MaterializeResult:
    with step_retries(context, nomis_source):
        return _load(context, warehouse, nomis_source)


def _load(context, warehouse: DuckDBResource, source: FeedSource) -> dg.MaterializeResult:
    frame = pd.DataFrame(columns=NOMIS_COLUMNS)
    report = FetchReport()
    releases: dict[str, str | None] = {}
    current: list[str] = []
    if source.live:
        queries = [
            NomisQuery(q["indicator_id"], q["dataset"], q.get("params", {}), q.get("expect", {}))
            for q in source.options.get("queries", [])
        ] or DEFAULT_NOMIS_QUERIES
        client = NomisClient(
            base_url=source.options.get("base_url", "https://www.nomisweb.co.uk/api/v01"),
            uid=source.api_key,
            session=source.session(),
        )
        geographies = list(source.options.get("geographies", TRACKER_GEOGRAPHIES))
        releases = {q.indicator_id: nomis_release(client, q, geographies) for q in queries}
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            held, current = held_and_current(
                conn, "nomis", "raw.nomis_observations", "indicator_id", releases, source.force_refetch
            )
        stale = [q for q in queries if q.indicator_id not in current]
        context.log.info(f"Nomis: {len(stale)} query(ies) with a new release, {len(current)} unchanged")
        # rows of unchanged queries are kept and re-stamped: `_loaded_at` says when the source was last checked
        kept = held[held["indicator_id"].isin(current)].reindex(columns=NOMIS_COLUMNS) if current else None
        frame = fetch_nomis(client, stale, geographies, report) if stale else kept
        for indicator_id, missing in report.missing.items():
            context.log.warning(f"Nomis {indicator_id}: no rows for {', '.join(missing)}")
        if report.unrequested:
            context.log.warning(
                f"Nomis: {len(report.unrequested)} row(s) the queries did not ask for quarantined, e.g. "
                f"{report.unrequested[0].reason}"
            )
        if stale and frame.empty:
            raise FeedError("Nomis: every query returned no rows; keeping the previous table")
        if stale and current:
            frame = pd.concat([kept, frame], ignore_index=True)
    frame = official_frame(frame)
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, "raw.nomis_observations", stamp(frame), after=lambda c: _record_nomis(c, releases))
        write_quarantine(conn, "nomis", report.unrequested, run_id=context.run.run_id)
    context.log.info(f"Nomis live={source.live}: {n} rows")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "mode": "live" if source.live else "off",
            "queries_unchanged": dg.MetadataValue.json(current),
            "rows_not_asked_for_quarantined": len(report.unrequested),
            "geographies_missing": dg.MetadataValue.json(report.missing),
        }
    )
