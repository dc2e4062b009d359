"""The travel-time matrix job on a real Celery cluster here (redis-server on 127.0.0.1, worker processes),
beside the in-process and multiprocess runs of the same job (issue 28).

1. EMCCA (1,335 origins, the SYNTHETIC stand-in network): the whole matrix in-process, on the multiprocess
   executor (2 processes) and on Celery with 1 and 2 chunk workers (plus the warehouse worker); wall time of each and whether the four
   matrices are identical (sha256 of the sorted table).
2. England size (SYNTHETIC: the stand-in tiled to 33,755 origins, as benchmarks/england_scale.py builds it):
   a sample of origins to every destination on Celery with 1 and 2 chunk workers; wall time, the plan step (the
   timetable build), per-origin cost across the workers, the size of the network each worker reads from the
   exchange folder, and each worker's peak memory.

Each run goes through `escalator travel-times` and the site's own warehouse, as an operator runs it. The
two cores of this machine bound what 2 workers can show; DEPLOYMENT.md projects the rest. ~8 minutes.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pandas as pd
import yaml

from assets.transport.assets import FEED_VERSIONS_DDL, STANDIN_ROUTING_DATE
from assets.transport.standin import build_standin
from benchmarks.england_scale import ENGLAND_LSOA21, LSOA, tiled_tables
from orchestration.celery_cluster import local_cluster, redis_server

ESCALATOR = str(Path(sys.executable).with_name("escalator"))
ENGLAND_SAMPLE, ENGLAND_CHUNKS = 64, 4
COLUMNS = '"origin_lsoa", "destination_lsoa", "window", "p50_minutes", "p80_minutes", "network_version"'


def make_site(
    root: Path, tables: dict[str, pd.DataFrame] | None, standin: Path, bbox: list[float] | None, port: int = 6399
) -> dict:
    """A warehouse holding one valid SYNTHETIC feed version and the origins (one per LSOA centroid, or one
    per tiled stop), and the environment a run and its workers get (also the Celery tests' site)."""
    root.mkdir(parents=True)
    feed = standin
    if tables is not None:  # the tiled network as a GTFS zip
        feed = root / "tiled.zip"
        with zipfile.ZipFile(feed, "w", zipfile.ZIP_DEFLATED) as z:
            for name, frame in tables.items():
                z.writestr(name, frame.to_csv(index=False))
        stops = tables["stops.txt"].head(ENGLAND_LSOA21)
        lookup = pd.DataFrame(
            {
                "lsoa21cd": stops.stop_id,
                "pwc_lat": stops.stop_lat.astype(float),
                "pwc_lon": stops.stop_lon.astype(float),
            }
        )
    else:
        lookup = pd.read_csv(LSOA, usecols=["lsoa21cd", "pwc_lat", "pwc_lon"])
    warehouse = root / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema raw")
        conn.execute(FEED_VERSIONS_DDL)
        conn.execute(
            "insert into raw.gtfs_feed_versions (feed, version, path, synthetic, status, routing_date, checked_at) "
            "values (?, ?, ?, true, 'valid', ?, ?)",
            ["standin", hashlib.sha256(feed.read_bytes()).hexdigest()[:12], str(feed), STANDIN_ROUTING_DATE,
             datetime.now(UTC).replace(tzinfo=None)],
        )  # fmt: skip
        conn.register("lookup", lookup)
        conn.execute("create table raw.lsoa21_lookup as select * from lookup")
    config = root / "escalator.yaml"
    config.write_text(yaml.safe_dump({"sources": {"bods": {"bbox": bbox}}} if bbox else {}))
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {
        **os.environ,
        "ESCALATOR_CONFIG": str(config),
        "ESCALATOR_WAREHOUSE": str(warehouse),
        "ESCALATOR_PUBLISHED_DIR": str(root / "published"),
        "DAGSTER_HOME": str(home),
        "ESCALATOR_EXCHANGE_DIR": str(root / "exchange"),
        "ESCALATOR_CELERY_BROKER": f"redis://127.0.0.1:{port}/0",
        "ESCALATOR_CELERY_BACKEND": f"redis://127.0.0.1:{port}/1",
        "ESCALATOR_CELERY_VISIBILITY_TIMEOUT": "3600",  # no worker is killed here
    }


def run(env: dict, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([ESCALATOR, "travel-times", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"escalator travel-times {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return time.perf_counter() - started


def run_in_process(env: dict) -> float:
    """The job's steps in this process (as the daily refresh runs them), in a child so the site's settings
    apply: `execute_in_process` ignores the job's executor."""
    code = (
        "import dagster as dg; from orchestration.definitions import defs; "
        "from orchestration.refresh import plan_config; "
        "r = defs.resolve_job_def('travel_time_matrix').execute_in_process(instance=dg.DagsterInstance.get(), "
        "run_config=plan_config(8)); assert r.success"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def matrix_sha(env: dict, table: str = "derived.travel_times") -> tuple[str, int]:
    with duckdb.connect(env["ESCALATOR_WAREHOUSE"], read_only=True) as conn:
        frame = conn.execute(f"select {COLUMNS} from {table} order by 1, 2, 3").df()
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest(), len(frame)


def step_seconds(env: dict) -> dict[str, float]:
    """Seconds per step of the newest run, by step kind (chunks summed)."""
    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    run_id = instance.get_runs(limit=1)[0].run_id
    out: dict[str, float] = {}
    for s in instance.get_run_step_stats(run_id):
        kind = s.step_key.split(".")[-1].split("[")[0]
        out[kind] = out.get(kind, 0.0) + (s.end_time - s.start_time)
    return out


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def on_celery(env: dict, workers: int, log_dir: Path, *args: str) -> tuple[float, list[float]]:
    """Wall time of one run on the warehouse worker and `workers` fresh chunk workers, and each worker's peak
    memory (the warehouse worker's first: it runs the plan step, which builds the timetable)."""
    with local_cluster(workers, log_dir, port=6399, env=env) as (_, started):
        wall = run(env, "--executor", "celery", *args)
        return wall, [peak_mb(proc.pid) for proc, _ in started]


def emcca(tmp: Path, standin: Path) -> None:
    env = make_site(tmp / "emcca", None, standin, None)
    print("EMCCA, 1,335 origins x 1,335 destinations, SYNTHETIC stand-in network, 8 chunks:")
    figures = {"in-process": run_in_process(env)}
    shas = {"in-process": matrix_sha(env)}
    figures["multiprocess, 2 processes"] = run(env, "--chunks", "8", "--processes", "2")
    shas["multiprocess, 2 processes"] = matrix_sha(env)
    for workers in (1, 2):
        name = f"Celery, {workers} chunk worker(s)"
        figures[name], _ = on_celery(env, workers, tmp / f"emcca-{workers}", "--chunks", "8")
        shas[name] = matrix_sha(env)
    for name, wall in figures.items():
        sha, rows = shas[name]
        print(f"  {name:<28} {wall:6.1f} s wall   {rows:,} rows   sha256 {sha[:16]}")
    same = len({sha for sha, _ in shas.values()}) == 1
    print(f"  the four matrices are {'IDENTICAL' if same else 'DIFFERENT'}")
    if not same:
        raise SystemExit("the matrix differs between executors")


def england(tmp: Path, standin: Path) -> None:
    tiles = int(np.ceil(ENGLAND_LSOA21 / len(pd.read_csv(LSOA, usecols=["lsoa21cd"]))))
    tables = tiled_tables(standin, tiles)
    lon, lat = tables["stops.txt"].stop_lon.astype(float), tables["stops.txt"].stop_lat.astype(float)
    bbox = [float(lon.min()) - 0.1, float(lat.min()) - 0.1, float(lon.max()) + 0.1, float(lat.max()) + 0.1]
    env = make_site(tmp / "england", tables, standin, bbox)
    del tables
    print(
        f"\nEngland size (SYNTHETIC: the stand-in tiled {tiles} times), {ENGLAND_SAMPLE} sample origins x "
        f"{ENGLAND_LSOA21:,} destinations, {ENGLAND_CHUNKS} chunks, on Celery:"
    )
    for workers in (1, 2):
        wall, peaks = on_celery(
            env,
            workers,
            tmp / f"england-{workers}",
            "--chunks",
            str(ENGLAND_CHUNKS),
            "--origin-limit",
            str(ENGLAND_SAMPLE),
        )
        steps = step_seconds(env)
        network = max(f.stat().st_size for f in Path(env["ESCALATOR_EXCHANGE_DIR"]).rglob("network*"))
        per_origin = steps["travel_time_chunk"] / ENGLAND_SAMPLE
        print(
            f"  warehouse worker + {workers} chunk worker(s): {wall:6.1f} s wall; plan (timetable build) {steps['plan_travel_times']:.0f} s; "
            f"chunks {steps['travel_time_chunk']:.0f} s of worker time = {per_origin * 1000:,.0f} ms per origin "
            f"(setup included); peak memory: warehouse worker {peaks[0]:,.0f} MB, chunk workers "
            f"{', '.join(f'{p:,.0f}' for p in peaks[1:])} MB"
        )
    _, rows = matrix_sha(env, "derived.travel_times_sample")
    print(
        f"  network pickled for the workers (exchange folder, newest run): {network / 2**20:,.0f} MB; "
        f"{rows / ENGLAND_SAMPLE:,.0f} rows per origin"
    )


def main() -> None:
    if redis_server() is None:
        print("redis-server is not installed (`make redis` as root): the Celery benchmark was not run")
        return
    with tempfile.TemporaryDirectory() as tmp:
        standin = Path(tmp) / "standin.zip"
        build_standin(LSOA, standin)
        emcca(Path(tmp), standin)
        england(Path(tmp), standin)


if __name__ == "__main__":
    main()
