"""Job-advert assets: the daily-partitioned raw feed (embedded file, file drops, Adzuna)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.jobads.clean import ADVERT_COLUMNS, ADVERT_TYPES, clean
from assets.jobads.places import PlaceResolver
from assets.jobads.soc_coder import SocCoder
from assets.jobads.sources import (
    DROP_SUFFIXES,
    AdzunaClient,
    RateLimiter,
    drop_file_seen_date,
    read_drop_file,
    read_embedded_notts,
)
from assets.platform.feeds import cadence_label
from assets.platform.resources import FeedSource, PlatformConfig, step_retries
from assets.platform.warehouse import ensure_schemas, write_quarantine

GAZETTEER = Path(__file__).resolve().parents[2] / "data/reference/emcca_places_gazetteer.csv"
EMBEDDED_JOBADS = "jobads/nottinghamshire_public_sector_jobs_2026-08-26.csv"
EMBEDDED_SEEN_DATE = "2026-08-26"  # the day the embedded vacancies were checked
JOB_AD_PARTITIONS = dg.DailyPartitionsDefinition(start_date="2026-08-01", timezone="Europe/London", end_offset=1)
EMCCA_WHERE = [
    "Nottingham",
    "Derby",
    "Mansfield",
    "Chesterfield",
    "Worksop",
    "Newark-on-Trent",
    "Ilkeston",
    "Buxton",
    "Matlock",
    "Swadlincote",
    "Sutton-in-Ashfield",
    "Beeston",
    "Arnold",
    "West Bridgford",
    "Ripley",
    "Bolsover",
    "Dronfield",
]

RAW_JOB_ADS_DDL = (
    "create table if not exists raw.job_ads (" + ", ".join(f"{c} {t}" for c, t in ADVERT_TYPES.items()) + ")"
)


def today_london() -> str:
    return datetime.now(ZoneInfo("Europe/London")).date().isoformat()


def build_coder(conn) -> SocCoder:
    index = conn.execute("select job_title, soc2020, qualifier, industry from raw.soc2020_coding_index").df()
    groups = conn.execute("select soc2020_unit_group, soc2020_title from raw.soc2020_unit_groups").df()
    return SocCoder(index, groups, SocCoder.load_model(index))


def build_places(conn) -> PlaceResolver:
    lsoa = conn.execute("select lsoa21cd, lad_code, pwc_lat, pwc_lon from raw.lsoa21_lookup").df()
    lads = conn.execute("select ladcd, ladnm, cast(in_emcca as varchar) as in_emcca from raw.lad_lookup").df()
    gazetteer = pd.read_csv(GAZETTEER)
    return PlaceResolver(lsoa, lads, gazetteer)


def drop_files_for(day: str, folder) -> list:
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in DROP_SUFFIXES and drop_file_seen_date(p) == day
    )


def collect_records(
    day: str, platform: PlatformConfig, adzuna: FeedSource, embedded: FeedSource, log
) -> tuple[pd.DataFrame, dict]:
    frames, info = [], {"sources": []}
    if embedded.enabled and not adzuna.live:
        notts = read_embedded_notts(platform.embedded / EMBEDDED_JOBADS)
        notts = notts[notts.seen_date == day]
        if len(notts):
            frames.append(notts)
            info["sources"].append(f"embedded Nottinghamshire vacancies ({len(notts)})")
    for path in drop_files_for(day, platform.dropzone):
        frames.append(read_drop_file(path))
        info["sources"].append(f"file drop {path.name}")
    if adzuna.live and day == today_london():
        client = AdzunaClient(
            adzuna.app_id,
            adzuna.api_key,
            base_url=adzuna.options.get("base_url", "https://api.adzuna.com"),
            limiter=RateLimiter(state_file=Path(platform.dagster_home) / "adzuna_calls.json"),
            session=adzuna.session(),
        )
        results = []
        for where in adzuna.options.get("where", EMCCA_WHERE):
            results.extend(
                client.search(
                    where,
                    distance_km=int(adzuna.options.get("distance_km", 10)),
                    max_per_day=int(adzuna.options.get("max_adverts_per_place_day", 1000)),
                )
            )
            if client.stopped_reason:
                log.warning(f"Adzuna stopped cleanly: {client.stopped_reason}")
                info["adzuna_stopped"] = client.stopped_reason
                break
        for warning in client.warnings:
            log.warning(warning)
        if client.warnings:
            info["adzuna_warnings"] = client.warnings
        frames.append(AdzunaClient.to_frame(results, day))
        info["sources"].append(f"Adzuna ({len(results)})")
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return records, info


@dg.asset(
    key=["raw", "job_ads"],
    group_name="jobads",
    partitions_def=JOB_AD_PARTITIONS,
    kinds={"duckdb", "api"},
    deps=[
        dg.AssetKey(["raw", t]) for t in ("soc2020_coding_index", "soc2020_unit_groups", "lsoa21_lookup", "lad_lookup")
    ],
    description="Job adverts seen on the partition's day, cleaned: SOC 2020 coded, pay parsed, placed, "
    "pattern-flagged, personal data scrubbed. Rerunning a day replaces that day.",
    metadata={
        "sources": "embedded Nottinghamshire vacancies (default); file drops; Adzuna API (live)",
        "cadence": cadence_label(("raw", "job_ads")),
    },
    pool="duckdb",
)
def raw_job_ads(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    platform: PlatformConfig,
    adzuna_source: FeedSource,
    embedded_jobads_source: FeedSource,
) -> dg.MaterializeResult:
    day = context.partition_key
    with step_retries(context, adzuna_source):  # a failing feed raises here: the day is untouched
        records, info = collect_records(day, platform, adzuna_source, embedded_jobads_source, context.log)
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        coder = build_coder(conn)
        coder_info = coder.describe()
        cleaned = clean(records, coder, build_places(conn)) if len(records) else None
        adverts = cleaned.adverts if cleaned else pd.DataFrame(columns=ADVERT_COLUMNS)
        conn.register("_adverts", adverts.astype(object).where(adverts.notna(), None))
        conn.execute(RAW_JOB_ADS_DDL)
        conn.execute("begin transaction")
        try:
            conn.execute("delete from raw.job_ads where seen_date = cast(? as date)", [day])
            casts = ", ".join(f"cast({c} as {t}) as {c}" for c, t in ADVERT_TYPES.items())
            conn.execute(f"insert into raw.job_ads by name select {casts} from _adverts")
            conn.execute("commit")
        except Exception:
            conn.execute("rollback")
            raise
        finally:
            conn.unregister("_adverts")
        quarantined = cleaned.quarantined if cleaned else []
        write_quarantine(conn, "job_ads", quarantined, run_id=context.run.run_id, partition=day)
    for q in quarantined[:20]:
        context.log.warning("quarantined: " + q.message("job_ads"))
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(adverts),
            "quarantined": len(quarantined),
            "duplicates_collapsed": cleaned.duplicates_collapsed if cleaned else 0,
            "sources": ", ".join(info["sources"]) or "none for this day",
            **(
                {"adzuna_warnings": dg.MetadataValue.json(info["adzuna_warnings"])}
                if info.get("adzuna_warnings")
                else {}
            ),
            "soc_needs_review": int(adverts.soc_needs_review.fillna(True).sum()) if len(adverts) else 0,
            # how the day's titles were coded, and the coder's learned model and calibration
            "soc_methods": dg.MetadataValue.json(
                adverts.soc_method.value_counts().sort_index().astype(int).to_dict() if len(adverts) else {}
            ),
            "soc_title_model": dg.MetadataValue.json(coder_info),
        }
    )
