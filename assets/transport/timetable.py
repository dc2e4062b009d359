"""A validated GTFS feed turned into RAPTOR's arrays for one service day.

Trips running on the routing date are grouped into patterns (same stop sequence) and split further so
that no trip overtakes another inside a pattern (RAPTOR's earliest-trip search needs FIFO order).
Stops outside the study area's bounding box are clipped out of every trip. Footpaths join stops within
`max_transfer_m` (straight line at the walking speed)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from assets.transport.gtfs import parse_time

EARTH_M = 6_371_000.0


@dataclass
class Timetable:
    stop_ids: np.ndarray  # GTFS stop_id per stop index
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    pat_stops_ptr: np.ndarray  # pattern p's stops: pat_stops[pat_stops_ptr[p]:pat_stops_ptr[p+1]]
    pat_stops: np.ndarray
    pat_ntrips: np.ndarray  # pattern p's times start at pat_time_ptr[p], one row of len(stops) per trip
    pat_time_ptr: np.ndarray
    arr: np.ndarray  # seconds, flat: [pattern][trip][stop position]
    dep: np.ndarray
    sp_ptr: np.ndarray  # stop -> (pattern, position) pairs, CSR
    sp_pat: np.ndarray
    sp_pos: np.ndarray
    tr_ptr: np.ndarray  # stop -> footpaths, CSR
    tr_stop: np.ndarray
    tr_secs: np.ndarray
    n_stop_times: int
    routing_date: date

    @property
    def n_stops(self) -> int:
        return len(self.stop_ids)


def haversine_m(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_M * np.arcsin(np.sqrt(a))


def neighbours(lat_a, lon_a, lat_b, lon_b, max_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (i in a, j in b, metres) pairs within max_m, via a grid on projected metres (no O(n*m) scan)."""
    from scipy.spatial import cKDTree

    lat0 = np.radians(np.nanmean(np.concatenate([lat_a, lat_b])))

    def xy(lat, lon):
        return np.column_stack([np.radians(lon) * EARTH_M * np.cos(lat0), np.radians(lat) * EARTH_M])

    pairs = cKDTree(xy(lat_a, lon_a)).sparse_distance_matrix(cKDTree(xy(lat_b, lon_b)), max_m, output_type="ndarray")
    return pairs["i"].astype(np.int64), pairs["j"].astype(np.int64), pairs["v"]


def _csr(keys: np.ndarray, n: int, *columns: np.ndarray):
    order = np.argsort(keys, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ptr, keys + 1, 1)
    return (np.cumsum(ptr), *[c[order] for c in columns])


def build(
    tables: dict[str, pd.DataFrame],
    service_ids: frozenset,
    routing_date: date,
    bbox: tuple[float, float, float, float] | None = None,
    walk_speed_ms: float = 4.8 / 3.6,
    max_transfer_m: float = 400.0,
) -> Timetable:
    trips = tables["trips.txt"]
    trips = trips[trips.service_id.isin(service_ids)]
    st = tables["stop_times.txt"][["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"]]
    st = st[st.trip_id.isin(set(trips.trip_id))].copy()
    stops = tables["stops.txt"].copy()
    stops["lat"] = pd.to_numeric(stops.stop_lat)
    stops["lon"] = pd.to_numeric(stops.stop_lon)
    if bbox is not None:
        stops = stops[(stops.lon >= bbox[0]) & (stops.lon <= bbox[2]) & (stops.lat >= bbox[1]) & (stops.lat <= bbox[3])]
    st = st[st.stop_id.isin(set(stops.stop_id))]
    if st.empty:  # nothing to route on: say so, rather than fail deep inside the build
        area = f"inside the routing area {tuple(bbox)} (lon/lat box)" if bbox is not None else "anywhere"
        raise ValueError(f"no trip of the feed(s) running on {routing_date} stops {area}")
    st["seq"] = pd.to_numeric(st.stop_sequence)
    st["arr"] = st.arrival_time.map(lambda v: parse_time(v) if v else None)
    st["dep"] = st.departure_time.map(lambda v: parse_time(v) if v else None)
    st["arr"] = st.arr.fillna(st.dep)
    st["dep"] = st.dep.fillna(st.arr)
    # untimed intermediate stops: interpolate within the trip by sequence
    st = st.sort_values(["trip_id", "seq"])
    st[["arr", "dep"]] = st.groupby("trip_id")[["arr", "dep"]].transform(lambda s: s.interpolate(limit_area="inside"))
    st = st.dropna(subset=["arr", "dep"])
    used = pd.Index(st.stop_id.unique())
    stops = stops.drop_duplicates("stop_id").set_index("stop_id").loc[used].rename_axis("stop_id").reset_index()
    stop_index = pd.Series(np.arange(len(stops)), index=stops.stop_id)
    st["s"] = stop_index.loc[st.stop_id].to_numpy()
    st = st.sort_values(["trip_id", "seq"])
    seqs = st.groupby("trip_id", sort=False).agg(stops=("s", tuple), arr=("arr", list), dep=("dep", list))
    seqs = seqs[seqs.stops.map(len) >= 2]
    seqs["first_dep"] = seqs.dep.map(lambda d: d[0])
    seqs = seqs.sort_values("first_dep")

    patterns: list[tuple[tuple, list]] = []  # (stops, [(arr, dep), ...]) with FIFO trips
    by_seq: dict[tuple, list[int]] = {}
    for stops_t, arr_t, dep_t in seqs[["stops", "arr", "dep"]].itertuples(index=False):
        a, d = np.asarray(arr_t, dtype=np.int64), np.asarray(dep_t, dtype=np.int64)
        for pi in by_seq.get(stops_t, []):
            la, ld = patterns[pi][1][-1]
            if np.all(la <= a) and np.all(ld <= d):  # no overtaking: this trip can follow
                patterns[pi][1].append((a, d))
                break
        else:
            by_seq.setdefault(stops_t, []).append(len(patterns))
            patterns.append((stops_t, [(a, d)]))

    lengths = np.array([len(p[0]) for p in patterns], dtype=np.int64)
    ntrips = np.array([len(p[1]) for p in patterns], dtype=np.int64)
    pat_stops_ptr = np.concatenate([[0], np.cumsum(lengths)])
    pat_stops = (
        np.concatenate([np.array(p[0], dtype=np.int64) for p in patterns]) if patterns else np.zeros(0, np.int64)
    )
    pat_time_ptr = np.concatenate([[0], np.cumsum(lengths * ntrips)])
    arr = (
        np.concatenate([np.concatenate([t[0] for t in p[1]]) for p in patterns]) if patterns else np.zeros(0, np.int64)
    )
    dep = (
        np.concatenate([np.concatenate([t[1] for t in p[1]]) for p in patterns]) if patterns else np.zeros(0, np.int64)
    )

    pat_of = np.repeat(np.arange(len(patterns)), lengths)
    pos_of = np.concatenate([np.arange(n) for n in lengths]) if len(lengths) else np.zeros(0, np.int64)
    sp_ptr, sp_pat, sp_pos = _csr(pat_stops, len(stops), pat_of, pos_of)

    lat, lon = stops.lat.to_numpy(), stops.lon.to_numpy()
    i, j, m = neighbours(lat, lon, lat, lon, max_transfer_m)
    keep = i != j
    tr_ptr, tr_stop, tr_secs = _csr(i[keep], len(stops), j[keep], np.ceil(m[keep] / walk_speed_ms).astype(np.int64))
    return Timetable(
        stops.stop_id.to_numpy(),
        lat,
        lon,
        pat_stops_ptr.astype(np.int64),
        pat_stops,
        ntrips,
        pat_time_ptr.astype(np.int64),
        arr.astype(np.int64),
        dep.astype(np.int64),
        sp_ptr,
        sp_pat.astype(np.int64),
        sp_pos.astype(np.int64),
        tr_ptr,
        tr_stop.astype(np.int64),
        tr_secs,
        int(len(st)),
        routing_date,
    )


def load(path: Path, routing_date: date, bbox=None, **kwargs) -> Timetable:
    import partridge as ptg

    from assets.transport.gtfs import read_tables

    services = ptg.read_service_ids_by_date(str(path)).get(routing_date, frozenset())
    return build(read_tables(path), services, routing_date, bbox, **kwargs)
