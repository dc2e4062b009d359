"""The travel-time matrix at England's size, on one machine, and what it would take on many (issue 28, the
in-process part). Everything here is SYNTHETIC: the stand-in generator's EMCCA network (assets/transport/
standin.py, real LSOA centroids, made-up services) copied into tiles, shifted apart, until there are as many
origins as England has LSOAs (33,755, ONS LSOA 2021). The tiles are not joined by any route.

Prints: the timetable's size and build time, its memory (the arrays RAPTOR reads), per-origin cost measured
on a sample of origins (one core), output rows and Parquet bytes per origin, the peak memory of this process
(a worker's), DuckDB's single-writer rate, and the projected wall time and core-hours for 8, 32 and 128
workers. ~3 minutes.
"""

import resource
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from assets.transport import engine, gtfs, timetable
from assets.transport.assets import STANDIN_ROUTING_DATE
from assets.transport.standin import build_standin

ROOT = Path(__file__).resolve().parents[1]
LSOA = ROOT / "data" / "embedded" / "geography" / "emcca_lsoa21_lookup_centroids.csv"
ENGLAND_LSOA21 = 33_755  # LSOAs in England, 2021 (ONS)
TILE_STEP = (1.4, 1.0)  # degrees of longitude and latitude between tiles: EMCCA's extent plus a gap
SAMPLE_ORIGINS = 24
WORKERS = (8, 32, 128)


def tiled_tables(zip_path: Path, tiles: int) -> dict[str, pd.DataFrame]:
    """The generator's tables copied `tiles` times, each copy's ids prefixed and its stops shifted."""
    base = gtfs.read_tables(zip_path)
    cols = int(np.ceil(np.sqrt(tiles)))
    out: dict[str, list[pd.DataFrame]] = {}
    for k in range(tiles):
        dx, dy = (k % cols) * TILE_STEP[0], (k // cols) * TILE_STEP[1]
        for name, frame in base.items():
            f = frame.copy()
            for col in ("stop_id", "trip_id", "route_id"):
                if col in f.columns:
                    f[col] = f"t{k}_" + f[col].astype(str)
            if name == "stops.txt":
                f["stop_lon"] = (pd.to_numeric(f.stop_lon) + dx).round(6).astype(str)
                f["stop_lat"] = (pd.to_numeric(f.stop_lat) + dy).round(6).astype(str)
            out.setdefault(name, []).append(f)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in out.items()}


def points(stops: pd.DataFrame) -> engine.Points:
    """One origin per stop (the generator puts a stop on every LSOA centroid), cut to England's count."""
    first = stops.head(ENGLAND_LSOA21)
    return engine.Points(
        first.stop_id.to_numpy(), pd.to_numeric(first.stop_lat).to_numpy(), pd.to_numeric(first.stop_lon).to_numpy()
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    params = engine.TravelTimeParams()
    with tempfile.TemporaryDirectory() as tmp:
        zip_path = Path(tmp) / "standin.zip"
        build_standin(LSOA, zip_path)
        tiles = int(np.ceil(ENGLAND_LSOA21 / len(pd.read_csv(LSOA, usecols=["lsoa21cd"]))))
        started = time.perf_counter()
        tables = tiled_tables(zip_path, tiles)
        services = frozenset(tables["trips.txt"].service_id.unique())
        tt = timetable.build(tables, services, STANDIN_ROUTING_DATE, None, params.walk_ms, params.max_transfer_m)
        build_s = time.perf_counter() - started
        tt_bytes = sum(v.nbytes for v in vars(tt).values() if isinstance(v, np.ndarray))
        pts = points(tables["stops.txt"])
        del tables

        # per-origin cost: two runs over the same origins' setup (walk links for all points), 1 vs N+1 origins
        spread = np.linspace(0, len(pts.codes) - 1, SAMPLE_ORIGINS).astype(int)
        sample = engine.Points(pts.codes[spread], pts.lat[spread], pts.lon[spread])
        t0 = time.perf_counter()
        engine.embedded_matrix(tt, sample, pts, params, origin_slice=slice(0, 1))
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        frame = engine.embedded_matrix(tt, sample, pts, params)
        many = time.perf_counter() - t0
        per_origin = (many - one) / (SAMPLE_ORIGINS - 1)
        setup = max(0.0, one - per_origin)
        rows_per_origin = len(frame) / SAMPLE_ORIGINS
        parquet = Path(tmp) / "sample.parquet"
        with duckdb.connect() as mem:  # as the publication writes Parquet (DuckDB's writer)
            mem.register("frame", frame)
            mem.execute(f"copy frame to '{parquet}' (format parquet)")
        bytes_per_row = parquet.stat().st_size / max(1, len(frame))

        # the single DuckDB writer: rows/s appending a chunk's frame (the write step's work)
        conn = duckdb.connect(str(Path(tmp) / "w.duckdb"))
        big = pd.concat([frame] * max(1, 2_000_000 // max(1, len(frame))), ignore_index=True)
        t0 = time.perf_counter()
        conn.execute("create table travel_times as select * from big")
        write_rate = len(big) / (time.perf_counter() - t0)
        conn.close()

    origins = len(pts.codes)
    total_rows = rows_per_origin * origins
    cpu_s = per_origin * origins
    print("SYNTHETIC network and origins (the EMCCA stand-in tiled; no real services): an engineering figure only")
    print(
        f"  network: {tiles} tiles, {tt.n_stops:,} stops, {tt.n_stop_times:,} stop times; timetable built in "
        f"{build_s:.0f} s, its arrays {tt_bytes / 2**20:,.0f} MB"
    )
    print(
        f"  origins {origins:,} x destinations {origins:,}, windows {', '.join(params.windows)} every "
        f"{params.step_minutes} min, up to {params.max_minutes} min"
    )
    print(
        f"  per origin (one core, {SAMPLE_ORIGINS} origins measured): {per_origin * 1000:,.0f} ms "
        f"(+ {setup:.1f} s setup per chunk: walking links for every point); peak memory of this process "
        f"(a worker's): {_rss_mb():,.0f} MB"
    )
    print(
        f"  output: {rows_per_origin:,.0f} rows per origin -> {total_rows / 1e6:,.0f} M rows, "
        f"~{total_rows * bytes_per_row / 2**30:,.1f} GB as Parquet ({bytes_per_row:.1f} bytes/row)"
    )
    print(
        f"  one DuckDB writer: {write_rate / 1e6:.1f} M rows/s -> {total_rows / write_rate / 60:,.1f} min to write all"
    )
    print(f"  projected compute: {cpu_s / 3600:,.1f} core-hours in all")
    for w in WORKERS:
        wall = cpu_s / w + setup
        write = total_rows / write_rate
        limit = "the single writer" if write > wall else "compute"
        print(f"    {w:>3} workers: {wall / 60:,.1f} min compute wall + {write / 60:,.1f} min write; limit: {limit}")


if __name__ == "__main__":
    main()
