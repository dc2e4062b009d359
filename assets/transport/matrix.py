"""The LSOA -> LSOA travel-time matrix as a graph-backed asset that fans out by origin chunk.

    plan (reads the warehouse, builds the timetable once) -> compute one chunk of origins (x N, no
    warehouse access, so chunks can run in separate processes) -> write derived.travel_times (one writer)

The daily refresh runs the steps in-process; the `travel_time_matrix` job runs the chunks in parallel
with the multiprocess executor (and on Kubernetes each chunk can be its own pod, see docs/DEPLOYMENT.md).
The chunk count is op config (`plan_travel_times.config.chunks`) so a run can split the work as it needs.
"""

import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.platform.resources import FeedSource, PlatformConfig
from assets.platform.warehouse import ensure_schemas, replace_table, stamp
from assets.transport import engine, timetable
from assets.transport.assets import EMCCA_BBOX, _services, merge_feeds

# the IO manager that carries network, chunks and results between processes (assets/platform/exchange.py)
EXCHANGE_IO = "exchange_io"

DESCRIPTION = (
    "Public-transport travel times between EMCCA LSOA population-weighted centroids over the last good "
    "network: median and 80th percentile minutes over the 07:00-10:00 and 05:00-07:00 windows (JTS "
    "conventions), embedded range-RAPTOR or r5py, computed in origin chunks that can fan out."
)


@dataclass(frozen=True)
class Network:
    """Everything a chunk needs, passed between steps (pickled by the IO manager between processes)."""

    engine: str
    version: str
    routing_date: date
    synthetic: bool
    points: engine.Points
    params: engine.TravelTimeParams
    timetable: timetable.Timetable | None  # embedded engine only
    gtfs_paths: tuple[str, ...]
    osm_pbf: str | None
    r5_jar: str | None
    sample_origins: int = 0  # >0: a sample run (PlanConfig.origin_limit), written apart from the matrix


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    stop: int


class PlanConfig(dg.Config):
    chunks: int = 4  # origin chunks; r5py always uses one (R5 parallelises internally)
    # >0: route only the first N origins (in code order) to every destination and write them to
    # derived.travel_times_sample, never to the matrix: smoke runs of a new executor, and benchmarks
    origin_limit: int = 0


def origin_chunks(n_origins: int, chunks: int) -> list[Chunk]:
    """Contiguous, near-equal slices covering every origin exactly once."""
    chunks = max(1, min(chunks, n_origins))
    bounds = [round(i * n_origins / chunks) for i in range(chunks + 1)]
    return [Chunk(i, bounds[i], bounds[i + 1]) for i in range(chunks)]


def load_network(
    warehouse_path: str,
    transport_engine: str,
    osm_pbf: str | None = None,
    r5_jar: str | None = None,
    bbox: tuple[float, float, float, float] = EMCCA_BBOX,
) -> Network:
    """The network of the newest valid feed versions, clipped to `bbox` (the area the BODS source is
    health-gated on, EMCCA by default)."""
    with duckdb.connect(warehouse_path, read_only=True) as conn:
        good = conn.execute("""select feed, version, path, synthetic, routing_date from raw.gtfs_feed_versions
                               where status = 'valid'
                               qualify row_number() over (partition by feed order by checked_at desc) = 1
                               order by feed""").fetchall()
        lsoa = conn.execute("select lsoa21cd, pwc_lat, pwc_lon from raw.lsoa21_lookup order by 1").df()
    if not good:
        raise dg.Failure("no valid GTFS feed version: travel times not recomputed (last matrix kept)")
    real = [g for g in good if not g[3]]
    if real:  # a valid live feed replaces the SYNTHETIC stand-in it stood in for: never routed merged with it
        good = real
    params = engine.TravelTimeParams()
    routing_date = good[0][4]
    tt = None
    if transport_engine != "r5py":
        tables = merge_feeds([(f, Path(p)) for f, _, p, *_ in good])
        services = frozenset().union(*(_services(Path(p), routing_date, f) for f, _, p, *_ in good))
        tt = timetable.build(
            tables,
            services,
            routing_date,
            tuple(bbox),
            walk_speed_ms=params.walk_ms,
            max_transfer_m=params.max_transfer_m,
        )
    return Network(
        engine=transport_engine,
        version="+".join(f"{f}@{v}" for f, v, *_ in good) + f"/{routing_date}",
        routing_date=routing_date,
        synthetic=any(g[3] for g in good),
        points=engine.Points.from_frame(lsoa),
        params=params,
        timetable=tt,
        gtfs_paths=tuple(g[2] for g in good),
        osm_pbf=osm_pbf,
        r5_jar=r5_jar,
    )


def compute_chunk(network: Network, chunk: Chunk) -> pd.DataFrame:
    if network.engine == "r5py":
        pts = network.points
        origins = engine.Points(
            pts.codes[chunk.start : chunk.stop], pts.lat[chunk.start : chunk.stop], pts.lon[chunk.start : chunk.stop]
        )
        return engine.r5py_matrix(
            Path(network.osm_pbf),
            [Path(p) for p in network.gtfs_paths],
            origins,
            pts,
            network.params,
            network.routing_date,
            Path(network.r5_jar) if network.r5_jar else None,
        )
    return engine.embedded_matrix(
        network.timetable, network.points, network.points, network.params, origin_slice=slice(chunk.start, chunk.stop)
    )


@dg.op(
    ins={"feeds": dg.In(dg.Nothing), "lsoa": dg.In(dg.Nothing)},
    out={
        "network": dg.Out(Network, io_manager_key=EXCHANGE_IO),
        "chunks": dg.DynamicOut(Chunk, io_manager_key=EXCHANGE_IO),
    },
    pool="duckdb",
    description="Read the last good feed versions and origins, build the timetable once, split the origins.",
)
def plan_travel_times(
    context: dg.OpExecutionContext,
    config: PlanConfig,
    warehouse: DuckDBResource,
    platform: PlatformConfig,
    bods_source: FeedSource,
):
    network = load_network(
        warehouse.database,
        platform.transport_engine,
        bods_source.option("osm_pbf"),
        platform.r5_jar,
        tuple(bods_source.options.get("bbox", EMCCA_BBOX)),
    )
    n_chunks = 1 if network.engine == "r5py" else config.chunks
    n_origins = len(network.points.codes)
    if config.origin_limit > 0:
        n_origins = min(n_origins, config.origin_limit)
        network = replace(network, sample_origins=n_origins)
    context.log.info(f"{network.version}: {n_origins} origins in {n_chunks} chunk(s)")
    yield dg.Output(network, "network")
    for chunk in origin_chunks(n_origins, n_chunks):
        yield dg.DynamicOutput(chunk, output_name="chunks", mapping_key=f"chunk_{chunk.index:02d}")


@dg.op(
    out=dg.Out(pd.DataFrame, io_manager_key=EXCHANGE_IO),
    tags={"dagster-celery/queue": "matrix"},  # the Celery executor's chunk queue (orchestration/celery_executor.py)
    description="Travel times from one chunk of origins (no warehouse access).",
)
def travel_time_chunk(context: dg.OpExecutionContext, network: Network, chunk: Chunk) -> pd.DataFrame:
    started = time.perf_counter()
    frame = compute_chunk(network, chunk)
    context.log.info(
        f"origins {chunk.start}-{chunk.stop - 1}: {len(frame)} rows in {time.perf_counter() - started:.1f} s"
    )
    return frame


@dg.op(pool="duckdb", description="Write the chunks as derived.travel_times in one transaction.")
def write_travel_times(
    context: dg.OpExecutionContext, network: Network, chunks: list[pd.DataFrame], warehouse: DuckDBResource
) -> dg.Output:
    matrix = pd.concat(chunks, ignore_index=True)
    if matrix.duplicated(["origin_lsoa", "destination_lsoa", "window"]).any():
        raise dg.Failure("travel-time chunks overlap: an origin was computed twice (last matrix kept)")
    matrix = matrix.assign(
        engine=network.engine,
        network_version=network.version,
        routing_date=network.routing_date,
        synthetic_network=network.synthetic,
    )
    table = "derived.travel_times_sample" if network.sample_origins else "derived.travel_times"
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        rows = replace_table(conn, table, stamp(matrix))
    return dg.Output(
        None,
        metadata={
            "table": table,
            "dagster/row_count": rows,
            "network_version": network.version,
            "engine": network.engine,
            "synthetic_network": network.synthetic,
            "origins": network.sample_origins or len(network.points.codes),
            "chunks": len(chunks),
        },
    )


@dg.graph_asset(
    key=["derived", "travel_times"],
    group_name="transport",
    ins={
        "feeds": dg.AssetIn(["raw", "gtfs_feed_versions"], dagster_type=dg.Nothing),
        "lsoa": dg.AssetIn(["raw", "lsoa21_lookup"], dagster_type=dg.Nothing),
    },
    kinds={"duckdb", "numba"},
    description=DESCRIPTION,
)
def derived_travel_times(feeds, lsoa):
    network, chunks = plan_travel_times(feeds=feeds, lsoa=lsoa)
    return write_travel_times(network, chunks.map(lambda c: travel_time_chunk(network, c)).collect())
