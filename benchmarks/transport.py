"""Travel-time engine: speed and agreement with the pyraptor package, the 10k-stop target, the EMCCA matrix.

Prints, in one run:
  1. Chester (real BODS extract): per-query time of our numba RAPTOR and of pyraptor on the same queries
     (same semantics: stations = stops sharing a name, 120 s transfers between them, as pyraptor models
     them), and whether their earliest arrivals agree; plus our profile query (every minute over 2 hours,
     walking egress to every stop) on the same origins.
  2. A network scaled up from the real Chester feed to ~10,000 stops and ~1.3M stop_times (8 spatial
     copies x 5 time-shifted copies): one-origin profile query over a 2-hour window including walking to
     all destinations. Target <= 150 ms.
  3. The whole EMCCA stand-in matrix (1,335 origins x 1,335 destinations, 07:00-10:00 every minute) on one
     core: wall time and peak memory. Target <= 5 minutes.
"""

import json
import os
import resource
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from assets.transport import engine, gtfs, raptor, timetable
from assets.transport.standin import build_standin
from benchmarks.peer_env import peer_python

ROOT = Path(__file__).resolve().parents[1]
CHESTER = ROOT / "data" / "embedded" / "gtfs" / "chester-20230816-small_gtfs.zip"
PYRAPTOR_COST = 120
ROUNDS = 6
N_QUERIES = 12


def _station_transfers(tt, names: np.ndarray) -> None:
    """Replace footpaths with pyraptor's: every pair of stops with the same name, 120 s."""
    frm, to = [], []
    for idx in pd.Series(np.arange(len(names))).groupby(names).groups.values():
        idx = list(idx)
        for a in idx:
            for b in idx:
                if a != b:
                    frm.append(a)
                    to.append(b)
    frm, to = np.array(frm, dtype=np.int64), np.array(to, dtype=np.int64)
    tt.tr_ptr, tt.tr_stop, tt.tr_secs = timetable._csr(frm, tt.n_stops, to, np.full(len(frm), PYRAPTOR_COST))


def chester_vs_pyraptor() -> None:
    day = gtfs.busiest_weekday(CHESTER)
    tt = timetable.load(CHESTER, day)
    tables = gtfs.read_tables(CHESTER)
    names = tables["stops.txt"].set_index("stop_id").stop_name.loc[tt.stop_ids].to_numpy()
    _station_transfers(tt, names)
    rng = np.random.default_rng(3)
    stations = sorted(set(names))
    origins = [stations[i] for i in rng.choice(len(stations), N_QUERIES, replace=False)]
    queries = [(o, int(8 * 3600)) for o in origins]
    n = tt.n_stops
    eye = (
        np.arange(n + 1, dtype=np.int64),
        np.arange(n, dtype=np.int64),
        np.zeros(n, np.int64),
        np.full(n, -1, np.int64),
    )
    ours, our_times, profile_times = [], [], []
    raptor.range_query(
        np.array([0], np.int64), np.array([0], np.int64), np.zeros(1, np.int64), ROUNDS, *raptor.network_args(tt), *eye
    )  # compile
    for origin, dep in queries:
        stops = np.flatnonzero(names == origin).astype(np.int64)
        t0 = time.perf_counter()
        out = raptor.range_query(
            np.array([dep], np.int64), stops, np.zeros(len(stops), np.int64), ROUNDS, *raptor.network_args(tt), *eye
        )[0]
        our_times.append(time.perf_counter() - t0)
        arrivals = pd.Series(np.where(out < raptor.INF, out + dep, -1)).groupby(names).min()
        ours.append({k: int(v) for k, v in arrivals.items() if v >= 0})
        t0 = time.perf_counter()
        raptor.range_query(
            np.arange(dep, dep + 7200, 60, dtype=np.int64),
            stops,
            np.zeros(len(stops), np.int64),
            ROUNDS,
            *raptor.network_args(tt),
            *eye,
        )
        profile_times.append(time.perf_counter() - t0)
    peer = _run_pyraptor(tables, tt, day, queries)
    print(
        f"\n1. Chester BODS extract, {day}: {n:,} stops, {tt.n_stop_times:,} stop_times, {N_QUERIES} origins at 08:00, "
        f"{ROUNDS} rounds"
    )
    print(f"   escalator numba RAPTOR   {np.median(our_times) * 1000:10.2f} ms/query (median)")
    if peer:
        agree = sum(o == p for o, p in zip(ours, peer["arrivals"]))
        cells = sum(len(o) for o in ours)
        same = sum(1 for o, p in zip(ours, peer["arrivals"]) for k, v in o.items() if p.get(k) == v)
        speedup = np.median(peer["seconds"]) / np.median(our_times)
        print(
            f"   pyraptor 1.x (pure Python) {np.median(peer['seconds']) * 1000:8.0f} ms/query (median)  "
            f"-> ours is {speedup:,.0f}x faster"
        )
        print(f"   earliest arrivals agree: {agree}/{N_QUERIES} queries identical, {same:,}/{cells:,} station arrivals")
        diffs = [(v, p.get(k)) for o, p in zip(ours, peer["arrivals"]) for k, v in o.items() if p.get(k) != v]
        earlier = sum(1 for v, q in diffs if q is not None and v < q)
        print(
            f"   where they differ: ours earlier {earlier}, later {sum(1 for v, q in diffs if q is not None and v > q)}, "
            f"unreached by pyraptor {sum(1 for _, q in diffs if q is None)}, reached only by pyraptor "
            f"{sum(len(set(p) - set(o)) for o, p in zip(ours, peer['arrivals']))}. pyraptor boards from labels of the "
            f"current round (RAPTOR uses the previous one), so its round limit means something different; ours equals the brute-force search (tests/test_transport.py)"
        )
    print(f"   our profile query, 2-hour window every minute: {np.median(profile_times) * 1000:.1f} ms/origin (median)")


def _run_pyraptor(tables, tt, day, queries) -> dict | None:
    try:
        python = peer_python("pyraptor", ["pyraptor==1.3.10", "numpy<2", "attrs"])
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"pyraptor could not be installed ({exc}); peer skipped")
        return None
    import partridge as ptg

    services = sorted(ptg.read_service_ids_by_date(str(CHESTER)).get(day, frozenset()))
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(CHESTER) as z:
            z.extractall(folder)
        job = {"gtfs_dir": folder, "service_ids": services, "queries": queries, "rounds": ROUNDS}
        out = subprocess.run(
            [str(python), str(Path(__file__).parent / "peers" / "pyraptor_runner.py")],
            input=json.dumps(job),
            capture_output=True,
            text=True,
        )
    if out.returncode != 0:
        print(f"pyraptor failed: {out.stderr[-500:]}")
        return None
    return json.loads(out.stdout)


def scaled_network() -> None:
    tables = gtfs.read_tables(CHESTER)
    day = gtfs.busiest_weekday(CHESTER)
    import partridge as ptg

    services = ptg.read_service_ids_by_date(str(CHESTER)).get(day, frozenset())
    copies = {name: [] for name in ("stops.txt", "trips.txt", "stop_times.txt", "routes.txt")}
    for s in range(8):  # spatial copies, 0.25 degrees apart
        for k in range(5):  # time-shifted copies of every trip
            tag = f"c{s}t{k}:"
            if k == 0:
                stops = tables["stops.txt"].copy()
                stops["stop_id"] = f"c{s}:" + stops.stop_id
                stops["stop_lon"] = (pd.to_numeric(stops.stop_lon) + 0.25 * s).astype(str)
                copies["stops.txt"].append(stops)
            trips = tables["trips.txt"].copy()
            trips["trip_id"] = tag + trips.trip_id
            trips["route_id"] = tag + trips.route_id
            copies["trips.txt"].append(trips)
            routes = tables["routes.txt"].copy()
            routes["route_id"] = tag + routes.route_id
            copies["routes.txt"].append(routes)
            st = tables["stop_times.txt"].copy()
            st["trip_id"] = tag + st.trip_id
            st["stop_id"] = f"c{s}:" + st.stop_id
            for col in ("arrival_time", "departure_time"):
                secs = st[col].map(gtfs.parse_time) + 180 * k
                st[col] = secs.map(lambda v: f"{v // 3600:02d}:{v % 3600 // 60:02d}:{v % 60:02d}")
            copies["stop_times.txt"].append(st)
    big = {name: pd.concat(frames, ignore_index=True) for name, frames in copies.items()}
    t0 = time.perf_counter()
    tt = timetable.build(big, services, day)
    build = time.perf_counter() - t0
    n = tt.n_stops
    i, j, m = timetable.neighbours(tt.stop_lat, tt.stop_lon, tt.stop_lat, tt.stop_lon, 1200)
    eg_ptr, eg_stop, eg_secs = timetable._csr(j, n, i, np.ceil(m / (4.8 / 3.6)).astype(np.int64))
    deps = np.arange(7 * 3600, 9 * 3600, 60, dtype=np.int64)
    times = []
    rng = np.random.default_rng(5)
    for o in rng.choice(n, 10, replace=False):
        acc = np.flatnonzero(i == o)
        t0 = time.perf_counter()
        raptor.range_query(
            deps,
            j[acc],
            np.ceil(m[acc] / (4.8 / 3.6)).astype(np.int64),
            8,
            *raptor.network_args(tt),
            eg_ptr,
            eg_stop,
            eg_secs,
            np.full(n, -1, np.int64),
        )
        times.append(time.perf_counter() - t0)
    print(
        f"\n2. Scaled-up real network: {n:,} stops, {tt.n_stop_times:,} stop_times, {len(tt.pat_ntrips):,} "
        f"patterns (built in {build:.1f}s)"
    )
    print(
        f"   one-origin profile query, 2 h window every minute, walking egress to {n:,} stops: "
        f"median {np.median(times[1:]) * 1000:.0f} ms, max {np.max(times[1:]) * 1000:.0f} ms (target <= 150 ms)"
    )


def emcca_matrix() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "standin.zip"
        build_standin(ROOT / "data/embedded/geography/emcca_lsoa21_lookup_centroids.csv", path)
        from assets.transport.assets import STANDIN_ROUTING_DATE

        tt = timetable.load(path, STANDIN_ROUTING_DATE)
    lsoa = pd.read_csv(ROOT / "data/embedded/geography/emcca_lsoa21_lookup_centroids.csv")
    points = engine.Points.from_frame(lsoa)
    params = engine.TravelTimeParams(windows={"am_peak": (7 * 3600, 10 * 3600)})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    matrix = engine.embedded_matrix(tt, points, points, params, threads=1)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t1 = time.perf_counter()
    engine.embedded_matrix(tt, points, points, params, threads=os.cpu_count() or 1)
    threaded = time.perf_counter() - t1
    print(
        f"\n3. EMCCA stand-in matrix (SYNTHETIC network): {len(points.codes):,} origins x {len(points.codes):,} "
        f"destinations, 07:00-10:00 every minute, one core: {wall:.1f} s, {len(matrix):,} pairs within 120 min; "
        f"peak RSS {peak / 1024:.0f} MB (was {before / 1024:.0f} MB before) (target <= 5 minutes); "
        f"{threaded:.1f} s on {os.cpu_count()} threads"
    )


def main() -> None:
    chester_vs_pyraptor()
    scaled_network()
    emcca_matrix()


if __name__ == "__main__":
    main()
