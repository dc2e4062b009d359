"""Build the SYNTHETIC stand-in bus network for EMCCA as a GTFS zip (generated on demand, not shipped).

No East Midlands GTFS feed is available offline, so the embedded default routes over a made-up network
laid on real geography: every EMCCA LSOA population-weighted centroid (ONS) is a stop; each local
authority's hub is the LSOA centroid nearest the LA's mean; trunk routes join every district hub to the
nearer of the Nottingham and Derby hubs (and the two cities to each other) through the centroids within
800 m of the line; local routes run from each hub through its sectors. Frequencies and speeds are
assumptions (trunk every 15 min at 25 km/h, local every 20 min at 18 km/h, 06:00-23:30, weekdays).
Nothing about it is timetable data: results on it test the pipeline, they do not describe real access.
The transport asset generates it when no live BODS feed is configured; `python -m assets.transport.standin
[out.zip]` writes it for inspection.
"""

import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

SYNTHETIC_VERSION = "synthetic-1"  # bump when the generator changes: it is the network version
CITIES = {"E06000018": "Nottingham", "E06000015": "Derby"}
SECTORS = 5


def metres(lat1, lon1, lat2, lon2):
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2)) * 6_371_000
    y = math.radians(lat2 - lat1) * 6_371_000
    return math.hypot(x, y)


def build_standin(lsoa_csv: Path, out: Path) -> dict:
    lsoa = pd.read_csv(lsoa_csv, dtype=str)
    lsoa["lat"], lsoa["lon"] = lsoa.pwc_lat.astype(float), lsoa.pwc_lon.astype(float)
    hubs = {}
    for lad, g in lsoa.groupby("lad_code"):
        d = (g.lat - g.lat.mean()) ** 2 + ((g.lon - g.lon.mean()) * 0.6) ** 2
        hubs[lad] = g.loc[d.idxmin()]
    routes, trips, stop_times = [], [], []

    def add_route(rid, name, seq, headway_min, kmh):
        routes.append((rid, name))
        for direction, order in ((0, seq), (1, seq[::-1])):
            offsets = [0]
            for a, b in zip(order, order[1:]):
                pa, pb = lsoa.loc[a], lsoa.loc[b]
                offsets.append(offsets[-1] + metres(pa.lat, pa.lon, pb.lat, pb.lon) * 1.3 / (kmh / 3.6) + 30)
            for start in range(6 * 3600 + (direction * 300), 23 * 3600 + 1800, headway_min * 60):
                tid = f"{rid}_{direction}_{start}"
                trips.append((rid, "WEEKDAY", tid, direction))
                for i, (stop, off) in enumerate(zip(order, offsets)):
                    t = int(start + off)
                    hhmmss = f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"
                    stop_times.append((tid, hhmmss, hhmmss, f"SYN_{lsoa.loc[stop].lsoa21cd}", i))

    def along(a_idx, b_idx, width_m=800):
        a, b = lsoa.loc[a_idx], lsoa.loc[b_idx]
        ax, ay = 0.0, 0.0
        bx = math.radians(b.lon - a.lon) * math.cos(math.radians(a.lat)) * 6_371_000
        by = math.radians(b.lat - a.lat) * 6_371_000
        px = np.radians(lsoa.lon - a.lon) * math.cos(math.radians(a.lat)) * 6_371_000
        py = np.radians(lsoa.lat - a.lat) * 6_371_000
        L2 = bx * bx + by * by
        t = ((px - ax) * bx + (py - ay) * by) / L2
        dist = np.hypot(px - t * bx, py - t * by)
        on = lsoa[(t > 0) & (t < 1) & (dist < width_m)].assign(t=t)
        return [a_idx] + list(on.sort_values("t").index) + [b_idx]

    city_hub = {lad: hubs[lad].name for lad in CITIES}
    add_route("T0", "Trunk Nottingham - Derby", along(city_hub["E06000018"], city_hub["E06000015"]), 15, 25)
    for lad, hub in hubs.items():
        if lad in CITIES:
            continue
        target = min(CITIES, key=lambda c: metres(hub.lat, hub.lon, hubs[c].lat, hubs[c].lon))
        add_route(f"T{lad[-3:]}", f"Trunk {hub.lad_name} - {CITIES[target]}", along(hub.name, city_hub[target]), 15, 25)
    for lad, g in lsoa.groupby("lad_code"):
        hub = hubs[lad]
        angle = np.arctan2(g.lat - hub.lat, (g.lon - hub.lon) * 0.6)
        sector = ((angle + math.pi) / (2 * math.pi) * SECTORS).astype(int).clip(0, SECTORS - 1)
        for s in range(SECTORS):
            members = g[(sector == s) & (g.index != hub.name)]
            if members.empty:
                continue
            seq, left, cur = [hub.name], set(members.index), hub
            while left:  # nearest-neighbour chain outwards from the hub
                nxt = min(left, key=lambda i: metres(cur.lat, cur.lon, lsoa.loc[i].lat, lsoa.loc[i].lon))
                seq.append(nxt)
                left.remove(nxt)
                cur = lsoa.loc[nxt]
            add_route(f"L{lad[-3:]}{s}", f"Local {hub.lad_name} {s + 1}", seq, 20, 18)

    files = {
        "agency.txt": pd.DataFrame(
            [("SYN", "SYNTHETIC stand-in network (not real services)", "https://example.invalid", "Europe/London")],
            columns=["agency_id", "agency_name", "agency_url", "agency_timezone"],
        ),
        "stops.txt": pd.DataFrame(
            {
                "stop_id": "SYN_" + lsoa.lsoa21cd,
                "stop_name": lsoa.lsoa21nm + " (synthetic)",
                "stop_lat": lsoa.lat.round(6),
                "stop_lon": lsoa.lon.round(6),
            }
        ),
        "routes.txt": pd.DataFrame(
            [(r, "SYN", r, n, 3) for r, n in routes],
            columns=["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
        ),
        "trips.txt": pd.DataFrame(trips, columns=["route_id", "service_id", "trip_id", "direction_id"]),
        "stop_times.txt": pd.DataFrame(
            stop_times, columns=["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]
        ),
        "calendar.txt": pd.DataFrame(
            [("WEEKDAY", 1, 1, 1, 1, 1, 0, 0, "20260101", "20271231")],
            columns=[
                "service_id",
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
                "start_date",
                "end_date",
            ],
        ),
        "feed_info.txt": pd.DataFrame(
            [("SYNTHETIC stand-in, generated by scripts/build_standin_gtfs.py", "en", SYNTHETIC_VERSION)],
            columns=["feed_publisher_name", "feed_lang", "feed_version"],
        ),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, frame in files.items():
            buf = io.StringIO()
            frame.to_csv(buf, index=False)
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), buf.getvalue())
    return {"stops": len(lsoa), "routes": len(routes), "trips": len(trips), "stop_times": len(stop_times)}


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parents[2]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "warehouse" / "gtfs" / "emcca_standin_gtfs.zip"
    print(target, build_standin(root / "data/embedded/geography/emcca_lsoa21_lookup_centroids.csv", target))
