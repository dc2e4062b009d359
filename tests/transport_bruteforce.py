"""A brute-force time-expanded graph search (networkx Dijkstra) over the same Timetable, as the reference
the RAPTOR engine must match: nodes are trip arrival/departure events and per-stop waiting chains."""

import bisect

import networkx as nx
import numpy as np


def earliest_arrivals(tt, origin: int, depart: int) -> dict[int, int]:
    g = nx.DiGraph()
    waits: dict[int, list[int]] = {}
    arrivals: list[tuple[int, int, tuple]] = []  # (stop, time, node)
    for p in range(len(tt.pat_ntrips)):
        stops = tt.pat_stops[tt.pat_stops_ptr[p] : tt.pat_stops_ptr[p + 1]]
        n = len(stops)
        for trip in range(tt.pat_ntrips[p]):
            base = tt.pat_time_ptr[p] + trip * n
            for i, s in enumerate(stops):
                a, d = int(tt.arr[base + i]), int(tt.dep[base + i])
                g.add_edge(("A", p, trip, i), ("D", p, trip, i), weight=d - a)
                if i + 1 < n:
                    g.add_edge(("D", p, trip, i), ("A", p, trip, i + 1), weight=int(tt.arr[base + i + 1]) - d)
                waits.setdefault(int(s), []).append(d)
                g.add_edge(("W", int(s), d), ("D", p, trip, i), weight=0)
                arrivals.append((int(s), a, ("A", p, trip, i)))
    for s, times in waits.items():
        times[:] = sorted(set(times))
        for t1, t2 in zip(times, times[1:]):
            g.add_edge(("W", s, t1), ("W", s, t2), weight=t2 - t1)

    def board(node, stop, t):  # wait at `stop` from time t for the next departure
        times = waits.get(stop, [])
        k = bisect.bisect_left(times, t)
        if k < len(times):
            g.add_edge(node, ("W", stop, times[k]), weight=times[k] - t + 0)

    walks = {
        s: [(int(tt.tr_stop[k]), int(tt.tr_secs[k])) for k in range(tt.tr_ptr[s], tt.tr_ptr[s + 1])]
        for s in range(tt.n_stops)
    }
    for s, a, node in arrivals:
        board(node, s, a)
        for s2, w in walks[s]:
            walk_node = ("F", s2, a + w)
            g.add_edge(node, walk_node, weight=w)
            board(walk_node, s2, a + w)
    source = ("S",)
    board(source, origin, depart)
    if source not in g:  # nothing leaves the origin after `depart`
        return {origin: depart}
    dist = nx.single_source_dijkstra_path_length(g, source)
    best = {origin: depart}
    for node, d in dist.items():
        if node[0] == "A":
            p, trip, i = node[1:]
            s = int(tt.pat_stops[tt.pat_stops_ptr[p] + i])
            best[s] = min(best.get(s, np.iinfo(np.int64).max), depart + d)
        elif node[0] == "F":
            best[node[1]] = min(best.get(node[1], np.iinfo(np.int64).max), depart + d)
    return best
