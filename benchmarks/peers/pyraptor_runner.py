"""Run the pyraptor package's RAPTOR on queries read as JSON from stdin; print arrivals and timings.

Input: {"gtfs_dir", "date" (YYYYMMDD), "service_ids", "queries": [[origin_station_name, dep_secs], ...],
"rounds"}. pyraptor's own GTFS reader is written for the Dutch NS feed (agency filter, calendar_dates
only, trip_short_name, parent stations), so the timetable is built here with its GtfsTimetable and
gtfs_to_pyraptor_timetable, the way its reader would: stations are stops sharing a name, transfers
between them cost its TRANSFER_COST (120 s)."""

import json
import os
import sys
import time

import pandas as pd
from loguru import logger

logger.remove()

from pyraptor.gtfs.timetable import GtfsTimetable, gtfs_to_pyraptor_timetable  # noqa: E402
from pyraptor.model.raptor import RaptorAlgorithm, best_stop_at_target_station  # noqa: E402
from pyraptor.util import str2sec  # noqa: E402


def main() -> None:
    job = json.load(sys.stdin)
    folder = job["gtfs_dir"]
    trips = pd.read_csv(os.path.join(folder, "trips.txt"), dtype=str)
    trips = trips[trips.service_id.isin(set(job["service_ids"]))].copy()
    trips["trip_short_name"] = range(len(trips))
    trips["trip_long_name"] = ""
    st = pd.read_csv(os.path.join(folder, "stop_times.txt"), dtype={"stop_id": str, "trip_id": str})
    st = st[st.trip_id.isin(set(trips.trip_id))][
        ["trip_id", "stop_sequence", "stop_id", "arrival_time", "departure_time"]
    ]
    st["arrival_time"] = st.arrival_time.apply(str2sec)
    st["departure_time"] = st.departure_time.apply(str2sec)
    stops = pd.read_csv(os.path.join(folder, "stops.txt"), dtype=str)
    stops = stops[stops.stop_id.isin(set(st.stop_id))][["stop_id", "stop_name"]].copy()
    stops["parent_station"] = stops.stop_name
    stops["platform_code"] = stops.stop_id
    g = GtfsTimetable()
    g.trips, g.stop_times, g.stops = trips, st, stops
    started = time.perf_counter()
    timetable = gtfs_to_pyraptor_timetable(g)
    build = time.perf_counter() - started
    results, timings = [], []
    for origin, dep in job["queries"]:
        t0 = time.perf_counter()
        from_stops = timetable.stations.get(origin).stops
        bag = RaptorAlgorithm(timetable).run(from_stops, dep, job["rounds"])[job["rounds"]]
        arrivals = {}
        for station in timetable.stations:
            best = best_stop_at_target_station(station.stops, bag)
            if best != 0:
                arrivals[station.name] = int(bag[best].earliest_arrival_time)
        timings.append(time.perf_counter() - t0)
        results.append(arrivals)
    print(json.dumps({"build_s": build, "seconds": timings, "arrivals": results}))


if __name__ == "__main__":
    main()
