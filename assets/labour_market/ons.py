"""ONS Explore Local Statistics: the indicator files (embedded snapshot, or live with a release check per
dataset) and their metadata (labels, sources, release dates, caveats)."""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.labour_market.connectors.ons_local_stats import DATASETS, OnsLocalStatsClient
from assets.labour_market.ons_metadata import parse_metadata, read_metadata_folder
from assets.platform.csv_loader import TableSpec, load_csv, typed_frame
from assets.platform.feeds import cadence_label
from assets.platform.geography import TRACKER_GEOGRAPHIES
from assets.platform.releases import forget_releases, held_and_current, record_release
from assets.platform.resources import FeedSource, PlatformConfig, step_retries
from assets.platform.warehouse import ensure_schemas, replace_table, stamp, write_quarantine

OGL = "OGL v3.0"

ONS_INDICATORS_SPEC = TableSpec(
    "ons_local_indicators",
    "ons/emcca_local_indicators_long.csv",
    {
        "dataset": "varchar",
        "areacd": "varchar",
        "areanm": "varchar",
        "geography": "varchar",
        "indicator": "varchar",
        "period": "varchar",
        "observation": "double",
        "measure": "varchar",
        "unit": "varchar",
        "lci_95": "double",
        "uci_95": "double",
        "status": "varchar",
        "notes": "varchar",
    },
    ("dataset", "areacd", "indicator", "period"),
    "ons",
    "ONS Explore Local Statistics indicators for EMCCA, its LAs, regions, CAs and the UK nations.",
    "ONS Explore Local Statistics",
    OGL,
)

# Areas kept from live national files: the tracker's geographies plus every region and combined authority.
KEEP_AREAS = {*TRACKER_GEOGRAPHIES, "E10000007", "E10000024", "K02000001", "K03000001", "K04000001"}
KEEP_GEOGRAPHIES = {"Region", "Combined Authority or City Region", "Country"}


def _ons_client(source) -> OnsLocalStatsClient:
    kwargs = {"base_url": source.options["base_url"]} if "base_url" in source.options else {}
    return OnsLocalStatsClient(session=source.session(), **kwargs)


@dg.asset(
    key=["raw", "ons_local_indicators"],
    group_name="labour_market",
    kinds={"duckdb", "csv"},
    description=ONS_INDICATORS_SPEC.description,
    pool="duckdb",
    metadata={
        "source": ONS_INDICATORS_SPEC.source,
        "licence": OGL,
        "cadence": cadence_label(("raw", "ons_local_indicators")),
        "embedded_file": f"data/embedded/{ONS_INDICATORS_SPEC.path}",
    },
)
def raw_ons_local_indicators(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    platform: PlatformConfig,
    ons_local_stats_source: FeedSource,
) -> dg.MaterializeResult:
    with step_retries(context, ons_local_stats_source):
        return _load_indicators(context, warehouse, platform, ons_local_stats_source)


def _load_indicators(
    context, warehouse: DuckDBResource, platform: PlatformConfig, source: FeedSource
) -> dg.MaterializeResult:
    if not source.live:
        result = load_csv(platform.embedded / ONS_INDICATORS_SPEC.path, ONS_INDICATORS_SPEC)
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            rows = replace_table(
                conn,
                "raw.ons_local_indicators",
                stamp(result.frame),
                after=lambda c: forget_releases(c, "ons_local_stats"),
            )
            write_quarantine(conn, "ons_local_indicators", result.quarantined, run_id=context.run.run_id)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": rows, "mode": "embedded", "quarantined_rows": len(result.quarantined)}
        )

    # Live: download only the datasets whose file changed since the release the warehouse holds.
    client = _ons_client(source)
    datasets = list(source.options.get("datasets", DATASETS))
    releases = {d: client.release(d) for d in datasets}
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        held, current = held_and_current(
            conn, "ons_local_stats", "raw.ons_local_indicators", "dataset", releases, source.force_refetch
        )
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
        rows = replace_table(
            conn,
            "raw.ons_local_indicators",
            pd.concat(frames, ignore_index=True),
            after=lambda c: [record_release(c, "ons_local_stats", d, releases[d]) for d in changed],
        )
        if changed:
            write_quarantine(conn, "ons_local_indicators", result.quarantined, run_id=context.run.run_id)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "mode": "live",
            "quarantined_rows": quarantined,
            "datasets_refetched": dg.MetadataValue.json(changed),
            "datasets_unchanged": dg.MetadataValue.json(current),
        }
    )


@dg.asset(
    key=["raw", "ons_dataset_metadata"],
    group_name="labour_market",
    kinds={"duckdb", "json"},
    description="ONS Explore Local Statistics metadata: labels, sources, release dates, caveats.",
    metadata={"source": "ONS Explore Local Statistics metadata JSON", "licence": OGL},
    pool="duckdb",
)
def raw_ons_dataset_metadata(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    platform: PlatformConfig,
    ons_local_stats_source: FeedSource,
) -> dg.MaterializeResult:
    with step_retries(context, ons_local_stats_source):
        return _load_metadata(warehouse, platform, ons_local_stats_source)


def _load_metadata(warehouse: DuckDBResource, platform: PlatformConfig, source: FeedSource) -> dg.MaterializeResult:
    if source.live:
        client = _ons_client(source)
        rows = [
            r
            for d in source.options.get("datasets", DATASETS)
            for r in parse_metadata(d, client.fetch_metadata(d), f"live {d}.json")
        ]
        frame = pd.DataFrame(rows)
    else:
        frame = read_metadata_folder(platform.embedded / "ons/metadata")
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        n = replace_table(conn, "raw.ons_dataset_metadata", stamp(frame))
    return dg.MaterializeResult(metadata={"dagster/row_count": n, "mode": "live" if source.live else "embedded"})
