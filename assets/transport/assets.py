"""Transport assets: GTFS feed versions (validated, health-gated, quarantined when broken). The travel-time
matrix over the last good network is in matrix.py."""

from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.platform.feeds import cadence_label
from assets.platform.resources import FeedSource, PlatformConfig, step_retries
from assets.platform.warehouse import QuarantineRow, ensure_schemas, write_quarantine
from assets.transport import gtfs
from assets.transport.connectors import bods
from assets.transport.standin import SYNTHETIC_VERSION, build_standin

EMCCA_BBOX = (-2.1, 52.6, -0.6, 53.6)  # lon/lat: clip UK-wide coach stops to the region
STANDIN_ROUTING_DATE = date(2026, 10, 13)  # a Tuesday in term time, inside the stand-in calendar
FEED_VERSIONS_DDL = """
create table if not exists raw.gtfs_feed_versions (
    feed varchar, version varchar, path varchar, synthetic boolean, status varchar, routing_date date,
    service_share double, stops_inside integer, stop_times integer, errors varchar, etag varchar,
    last_modified varchar, checked_at timestamp
)"""


def gtfs_folder(warehouse: DuckDBResource) -> Path:
    """Feed versions live beside the warehouse file (git-ignored), one zip per content hash."""
    return Path(warehouse.database).parent / "gtfs"


def _check(feed: str, path: Path, routing_date: date | None, bbox=EMCCA_BBOX) -> tuple[str, dict, list[gtfs.Issue]]:
    import zipfile

    try:
        tables = gtfs.read_tables(path)
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:  # a download that is no GTFS zip
        return "quarantined", {}, [gtfs.Issue(path.name, None, None, f"not a GTFS zip file ({exc})")]
    v = gtfs.validate_tables(tables)
    if not v.ok:
        return "quarantined", {}, v.errors
    if routing_date is None:
        try:
            routing_date = gtfs.busiest_weekday(path)
        except (ValueError, AssertionError):  # partridge asserts when the calendar runs no service on any day
            return "quarantined", {}, [gtfs.Issue("calendar.txt", None, None, "no service on any date")]
    h, problems = gtfs.health(path, tables, routing_date, bbox)
    info = {
        "routing_date": routing_date,
        "service_share": h.service_share,
        "stops_inside": h.stops_inside,
        "stop_times": len(tables["stop_times.txt"]),
    }
    return ("quarantined" if problems else "valid"), info, problems


@dg.asset(
    key=["raw", "gtfs_feed_versions"],
    group_name="transport",
    deps=[dg.AssetKey(["raw", "lsoa21_lookup"])],
    kinds={"duckdb", "gtfs"},
    pool="duckdb",
    description="GTFS timetable versions: BODS downloads (conditional, stored by content hash) or the "
    "SYNTHETIC stand-in network, each validated and health-gated; a broken feed is quarantined "
    "and the last good version stays in use.",
    metadata={
        "source": "DfT Bus Open Data Service (OGL) when live; otherwise a SYNTHETIC stand-in network",
        "cadence": cadence_label(("raw", "gtfs_feed_versions")),
    },
)
def raw_gtfs_feed_versions(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, platform: PlatformConfig, bods_source: FeedSource
) -> dg.MaterializeResult:
    with step_retries(context, bods_source):
        return _load(context, warehouse, platform, bods_source)


def _load(context, warehouse: DuckDBResource, platform: PlatformConfig, source: FeedSource) -> dg.MaterializeResult:
    folder = gtfs_folder(warehouse)
    rows, quarantine = [], []
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        conn.execute(FEED_VERSIONS_DDL)
        if source.live:
            session = source.session()
            feeds = source.options.get("feeds") or [{"name": "east_midlands", "url": bods.EAST_MIDLANDS_GTFS}]
            for f in feeds:
                found = conn.execute(
                    "select etag, last_modified, version, path from raw.gtfs_feed_versions "
                    "where feed = ? and status = 'valid' order by checked_at desc limit 1",
                    [f["name"]],
                ).fetchall()  # fetchall: leaves no pending result
                last = found[0] if found else None
                try:
                    dl = bods.fetch(
                        session,
                        f["name"],
                        f["url"],
                        folder,
                        *(last[:2] if last else (None, None)),
                        api_key=source.api_key,
                    )
                except bods.NotAZip as exc:  # data fault, not an outage: quarantined, the last good network stays
                    quarantine.append(QuarantineRow(f"{f['name']} download", "file", str(exc), {"url": f["url"]}))
                    continue
                if dl.status == "unchanged":
                    context.log.info(f"{f['name']}: not modified since {last[2]}")
                    continue
                rows.append(
                    _record(
                        f["name"],
                        dl.path,
                        False,
                        dl.etag,
                        dl.last_modified,
                        None,
                        quarantine,
                        tuple(source.options.get("bbox", EMCCA_BBOX)),
                    )
                )
        else:
            path = folder / f"emcca_standin-{SYNTHETIC_VERSION}.zip"
            if not path.exists():
                build_standin(platform.embedded / "geography" / "emcca_lsoa21_lookup_centroids.csv", path)
            rows.append(_record("emcca_standin", path, True, None, None, STANDIN_ROUTING_DATE, quarantine))
        if rows:
            frame = pd.DataFrame(rows)
            conn.register("_versions", frame)
            conn.execute("insert into raw.gtfs_feed_versions by name select * from _versions")
            conn.unregister("_versions")
        write_quarantine(conn, "gtfs", quarantine, run_id=context.run.run_id)
        current = conn.execute(
            "select feed, version, status from raw.gtfs_feed_versions "
            "qualify row_number() over (partition by feed order by checked_at desc) = 1"
        ).fetchall()
    for q in quarantine[:10]:
        context.log.error("quarantined: " + q.message("gtfs"))
    return dg.MaterializeResult(
        metadata={
            "checked": len(rows),
            "quarantined": len(quarantine),
            "latest": dg.MetadataValue.json({f: {"version": v, "status": s} for f, v, s in current}),
            "synthetic": not source.live,
        }
    )


def _record(feed, path: Path, synthetic, etag, last_modified, routing_date, quarantine, bbox=EMCCA_BBOX) -> dict:
    import hashlib

    version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    status, info, problems = _check(feed, path, routing_date, bbox)
    for p in problems:
        quarantine.append(
            QuarantineRow(
                f"{feed}@{version} {p.file}" + (f" row {p.row}" if p.row is not None else ""),
                p.field,
                p.message,
                {"feed": feed, "version": version, "file": p.file, "row": p.row},
            )
        )
    return {
        "feed": feed,
        "version": version,
        "path": str(path),
        "synthetic": synthetic,
        "status": status,
        "routing_date": info.get("routing_date"),
        "service_share": info.get("service_share"),
        "stops_inside": info.get("stops_inside"),
        "stop_times": info.get("stop_times"),
        "errors": "; ".join(str(p) for p in problems[:20]) or None,
        "etag": etag,
        "last_modified": last_modified,
        "checked_at": datetime.now(UTC).replace(tzinfo=None),
    }


def _services(path: Path, day: date, feed: str) -> frozenset:
    import partridge as ptg

    return frozenset(f"{feed}:{s}" for s in ptg.read_service_ids_by_date(str(path)).get(day, frozenset()))


def merge_feeds(feeds: list[tuple[str, Path]]) -> dict[str, pd.DataFrame]:
    """Several GTFS feeds as one set of tables, ids prefixed by feed name so they cannot collide."""
    keys = {
        "stops.txt": ["stop_id"],
        "trips.txt": ["trip_id", "route_id", "service_id"],
        "stop_times.txt": ["trip_id", "stop_id"],
        "routes.txt": ["route_id"],
    }
    merged: dict[str, list] = {}
    for feed, path in feeds:
        for name, frame in gtfs.read_tables(path).items():
            frame = frame.copy()
            for col in keys.get(name, []):
                frame[col] = feed + ":" + frame[col]
            merged.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in merged.items()}
