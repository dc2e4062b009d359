"""ONS online job adverts (Textkernel "labour demand volumes"): the official series behind the Plan's
vacancies indicator, by local authority and SOC 2020 unit group."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.jobads.connectors import ons_job_adverts as ons_ads
from assets.platform.feeds import cadence_label
from assets.platform.geography import EMCCA_LADS
from assets.platform.releases import forget_releases, held_and_current, record_release
from assets.platform.resources import FeedSource, step_retries
from assets.platform.warehouse import ensure_schemas, replace_table, stamp, write_quarantine

TABLE = "raw.ons_job_advert_volumes"
SOURCE = "ons_job_adverts"
DATASET_KEY = "labour_demand_volumes_soc2020"  # one ledger entry: the whole workbook is one release


@dg.asset(
    key=["raw", "ons_job_advert_volumes"],
    group_name="jobads",
    kinds={"duckdb", "api"},
    pool="duckdb",
    description="ONS labour demand volumes by SOC 2020 (new online job adverts, Textkernel): quarterly by "
    "EMCCA local authority and monthly for the East Midlands region, one row per area x SOC "
    "unit group x period, suppressed cells kept as such. Empty unless sources.ons_job_adverts "
    "is live; the workbook is downloaded only when ONS publishes a new edition.",
    metadata={
        "source": "ONS, using Textkernel online job adverts data (OGL v3.0)",
        "cadence": cadence_label(("raw", "ons_job_advert_volumes")),
    },
)
def raw_ons_job_advert_volumes(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, ons_job_adverts_source: FeedSource
) -> dg.MaterializeResult:
    with step_retries(context, ons_job_adverts_source):
        return _load(context, warehouse, ons_job_adverts_source)


def _load(context, warehouse: DuckDBResource, source: FeedSource) -> dg.MaterializeResult:
    frame = ons_ads.frame()
    release, unchanged, quarantined = None, False, []
    if source.live:
        opts = source.options
        client = ons_ads.OnsWebsiteClient(opts.get("base_url", ons_ads.BASE_URL), source.session())
        edition = client.current_edition(
            opts.get("dataset_page", ons_ads.DATASET_PAGE),
            opts.get("edition_uri"),
            opts.get("file", ons_ads.WORKBOOK_FILE),
        )
        release = edition.release
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            held, current = held_and_current(
                conn, SOURCE, TABLE, "dataset_key", {DATASET_KEY: release}, source.force_refetch
            )
        unchanged = bool(current)
        if unchanged:
            context.log.info(f"ONS job adverts: {release} already held")
            frame = held.drop(columns=["dataset_key", "_loaded_at"], errors="ignore")
        else:
            content = client.workbook(edition)
            frame = ons_ads.parse_workbook(
                content,
                set(opts.get("la_codes", EMCCA_LADS)),
                set(opts.get("regions", ["East Midlands"])),
                release,
                quarantined,
                opts.get("la_sheet", ons_ads.LA_SHEET),
                opts.get("region_sheet", ons_ads.REGION_SHEET),
            )
    frame = frame.assign(dataset_key=DATASET_KEY)

    def ledger(conn):
        forget_releases(conn, SOURCE)
        if source.live:
            record_release(conn, SOURCE, DATASET_KEY, release)

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, TABLE, stamp(frame), after=ledger)
        if not unchanged:  # an unchanged release keeps its quarantine rows
            write_quarantine(conn, SOURCE, quarantined, run_id=context.run.run_id)
    for q in quarantined[:10]:
        context.log.warning("quarantined: " + q.message(SOURCE))
    suppressed = int((frame.status == "suppressed").sum()) if n else 0
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "mode": "live" if source.live else "off",
            "release": release or "",
            "unchanged": unchanged,
            "quarantined_cells": len(quarantined),
            "suppressed_cells": suppressed,
            "latest_quarter": str(frame.loc[frame.frequency == "quarterly", "period_label"].max()) if n else "",
        }
    )
