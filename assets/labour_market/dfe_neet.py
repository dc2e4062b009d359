"""DfE NEET statistics from the Explore Education Statistics API (the Plan's NEET row, local measure)."""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.labour_market.connectors import dfe_ees
from assets.labour_market.official import NOMIS_COLUMNS, official_frame
from assets.platform.feeds import cadence_label
from assets.platform.geography import EMCCA_CODE, EMCCA_UPPER_TIER, NAMES, TRACKER_GEOGRAPHIES
from assets.platform.http import FeedError
from assets.platform.releases import forget_releases, held_and_current, record_release
from assets.platform.resources import FeedSource, step_retries
from assets.platform.warehouse import ensure_schemas, replace_table, stamp, write_quarantine

TABLE = "raw.dfe_neet_observations"


def with_emcca_from_upper_tier(frame: pd.DataFrame) -> pd.DataFrame:
    """DfE publishes NEET by upper-tier authority: where a period has no EMCCA row but has all four of
    EMCCA's upper-tier authorities with their counts and cohorts, EMCCA's rate is their summed NEET or
    not known count over their summed cohort (x100), flagged as derived. Any of the four suppressed or
    without counts: no EMCCA figure (the tracker then says the source delivered none)."""
    if frame.empty or "numerator" not in frame:
        return frame
    derived = []
    for _, part in frame.groupby("period"):
        if (part.geography_code == EMCCA_CODE).any():
            continue
        four = part[part.geography_code.isin(EMCCA_UPPER_TIER)]
        usable = four[four.reliability.eq("reliable") & four.numerator.notna() & four.denominator.notna()]
        if set(usable.geography_code) != set(EMCCA_UPPER_TIER) or usable.denominator.sum() <= 0:
            continue
        derived.append(
            {
                **four.iloc[0].to_dict(),
                "geography_code": EMCCA_CODE,
                "geography_name": NAMES.get(EMCCA_CODE),
                "geography_type": "derived: sum of Derby, Nottingham, Derbyshire and Nottinghamshire",
                "value": round(100 * usable.numerator.sum() / usable.denominator.sum(), 1),
                "numerator": usable.numerator.sum(),
                "denominator": usable.denominator.sum(),
                "obs_status": "A",
                "reliability": "reliable",
            }
        )
    return pd.concat([frame, pd.DataFrame(derived)], ignore_index=True) if derived else frame


@dg.asset(
    key=["raw", "dfe_neet_observations"],
    group_name="labour_market",
    kinds={"duckdb", "api"},
    pool="duckdb",
    description="DfE NEET and participation (EES API): 16-17 year olds NEET or whose activity is not known, "
    "December-February average, by EMCCA local authority, region and England. Empty unless "
    "sources.dfe_neet is live (needs data_set_id); re-downloaded only on a new data set version.",
    metadata={
        "source": "DfE Explore Education Statistics API (OGL)",
        "cadence": cadence_label(("raw", "dfe_neet_observations")),
    },
)
def raw_dfe_neet_observations(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, dfe_neet_source: FeedSource
) -> dg.MaterializeResult:
    with step_retries(context, dfe_neet_source):
        return _load(context, warehouse, dfe_neet_source)


def _load(context, warehouse: DuckDBResource, source: FeedSource) -> dg.MaterializeResult:
    frame = pd.DataFrame(columns=NOMIS_COLUMNS)
    release, unchanged, quarantined = None, False, []
    if source.live:
        opts = source.options
        data_set_id = opts.get("data_set_id")
        if not data_set_id:
            raise FeedError(
                "DfE NEET is live but sources.dfe_neet.data_set_id is not set "
                "(the EES 'API data set' id of NEET and participation: local authority figures)"
            )
        client = dfe_ees.EesClient(opts.get("base_url", dfe_ees.BASE_URL), source.session())
        release = client.release(data_set_id)
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            held, current = held_and_current(
                conn, "dfe_neet", TABLE, "dataset", {data_set_id: release}, source.force_refetch
            )
            unchanged = bool(current)
        if unchanged:
            context.log.info(f"DfE NEET {data_set_id}: version {release} already held")
            frame = held
        else:
            data = client.csv(data_set_id)
            # the real file's count and cohort columns, when present: what combining counties to EMCCA needs
            numerator = opts.get("numerator_column") or ("NEET_not_known" if "NEET_not_known" in data else None)
            denominator = opts.get("denominator_column") or ("cohort" if "cohort" in data else None)
            frame = dfe_ees.tidy(
                data,
                data_set_id,
                opts.get("indicator_id", "neet_16_24"),
                opts.get("value_column", "NEET_not_known_percent"),
                set(opts.get("geographies", TRACKER_GEOGRAPHIES)) | set(EMCCA_UPPER_TIER),
                opts.get("filters"),
                numerator,
                denominator,
                quarantined,
            )
            frame = with_emcca_from_upper_tier(frame)
            if frame.empty:
                raise FeedError(
                    f"DfE EES {data_set_id}: no rows for the tracker's geographies; keeping the previous table"
                )
    frame = official_frame(frame)

    def ledger(conn):
        forget_releases(conn, "dfe_neet")
        if source.live:
            record_release(conn, "dfe_neet", source.options["data_set_id"], release)

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, TABLE, stamp(frame), after=ledger)
        if not unchanged:  # an unchanged release keeps its quarantine rows
            write_quarantine(conn, "dfe_neet", quarantined, run_id=context.run.run_id)
    for q in quarantined[:10]:
        context.log.warning("quarantined: " + q.message("dfe_neet"))
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "mode": "live" if source.live else "off",
            "quarantined_rows": len(quarantined),
            "release": release or "",
            "unchanged": unchanged,
        }
    )
