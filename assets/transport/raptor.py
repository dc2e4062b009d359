"""Range-RAPTOR (Delling, Pajor & Werneck 2012) over a Timetable, compiled with numba.

Departure times are processed from the latest to the earliest and labels are kept between them: an
arrival reachable when leaving later is reachable when leaving earlier (by waiting), so each earlier
departure only propagates improvements. After each departure, best[s] is the earliest arrival at stop s
for that departure; destinations are reached by walking from stops (egress) or walking all the way."""

import numba
import numpy as np

INF = np.int64(2**62)


@numba.njit(cache=True, nogil=True)
def _earliest_trip(dep, base, length, ntrips, pos, t):
    lo, hi = 0, ntrips  # FIFO within a pattern: binary search on departures at this position
    while lo < hi:
        mid = (lo + hi) // 2
        if dep[base + mid * length + pos] >= t:
            hi = mid
        else:
            lo = mid + 1
    return lo if lo < ntrips else -1


@numba.njit(cache=True, nogil=True)
def raptor_round(
    tau_prev,
    tau_cur,
    best,
    best_ride,
    marked,
    n_patterns,
    pat_stops_ptr,
    pat_stops,
    pat_ntrips,
    pat_time_ptr,
    arr,
    dep,
    sp_ptr,
    sp_pat,
    sp_pos,
    tr_ptr,
    tr_stop,
    tr_secs,
    q_pos,
    touched,
):
    """One RAPTOR round: scan the patterns serving marked stops, then relax footpaths. Returns n marked."""
    n_touched = 0
    n_stops = len(best)
    for s in range(n_stops):
        if marked[s]:
            marked[s] = False
            for k in range(sp_ptr[s], sp_ptr[s + 1]):
                p, pos = sp_pat[k], sp_pos[k]
                if q_pos[p] < 0:
                    touched[n_touched] = p
                    n_touched += 1
                    q_pos[p] = pos
                elif pos < q_pos[p]:
                    q_pos[p] = pos
    improved = np.zeros(n_stops, dtype=np.bool_)  # best arrival improved: board from here next round
    rode = np.zeros(n_stops, dtype=np.bool_)  # arrival by vehicle improved: walk on from here
    for ti in range(n_touched):
        p = touched[ti]
        start = q_pos[p]
        q_pos[p] = -1
        length = pat_stops_ptr[p + 1] - pat_stops_ptr[p]
        base = pat_time_ptr[p]
        ntrips = pat_ntrips[p]
        trip = -1
        for pos in range(start, length):
            s = pat_stops[pat_stops_ptr[p] + pos]
            if trip >= 0:
                a = arr[base + trip * length + pos]
                # footpaths do not chain, so a ride arrival later than a walk arrival can still be the
                # start of a better walk: keep the best arrival by vehicle apart from the best overall
                if a < best_ride[s]:
                    best_ride[s] = a
                    rode[s] = True
                    if a < tau_cur[s]:
                        tau_cur[s] = a
                if a < best[s]:
                    best[s] = a
                    tau_cur[s] = a
                    improved[s] = True
            if tau_prev[s] < INF and (trip < 0 or tau_prev[s] <= dep[base + trip * length + pos]):
                t2 = _earliest_trip(dep, base, length, ntrips, pos, tau_prev[s])
                if t2 >= 0 and (trip < 0 or t2 < trip):
                    trip = t2
    n_marked = 0
    for s in range(n_stops):
        if improved[s]:
            marked[s] = True
            n_marked += 1
    for s in range(n_stops):
        if rode[s]:
            for k in range(tr_ptr[s], tr_ptr[s + 1]):
                s2 = tr_stop[k]
                t = best_ride[s] + tr_secs[k]
                if t < best[s2]:
                    best[s2] = t
                    tau_cur[s2] = t
                    if not marked[s2]:
                        marked[s2] = True
                        n_marked += 1
    return n_marked


@numba.njit(cache=True, nogil=True)
def range_query(
    departures,
    access_stop,
    access_secs,
    max_rounds,
    n_patterns,
    pat_stops_ptr,
    pat_stops,
    pat_ntrips,
    pat_time_ptr,
    arr,
    dep,
    sp_ptr,
    sp_pat,
    sp_pos,
    tr_ptr,
    tr_stop,
    tr_secs,
    eg_ptr,
    eg_stop,
    eg_secs,
    direct_secs,
):
    """Travel time (s) from one origin to every destination for each departure (latest first in the loop;
    rows follow `departures` order). Egress CSR: destination -> (stop, walk seconds)."""
    n_stops = len(sp_ptr) - 1
    n_dest = len(eg_ptr) - 1
    tau = np.full((max_rounds + 1, n_stops), INF, dtype=np.int64)
    best = np.full(n_stops, INF, dtype=np.int64)
    best_ride = np.full(n_stops, INF, dtype=np.int64)
    marked = np.zeros(n_stops, dtype=np.bool_)
    q_pos = np.full(n_patterns, -1, dtype=np.int64)
    touched = np.zeros(n_patterns, dtype=np.int64)
    out = np.full((len(departures), n_dest), INF, dtype=np.int64)
    order = np.argsort(departures)[::-1]
    for oi in order:
        t0 = departures[oi]
        any_marked = False
        for a in range(len(access_stop)):
            s = access_stop[a]
            t = t0 + access_secs[a]
            if t < tau[0, s]:
                tau[0, s] = t
            if t < best[s]:
                best[s] = t
                marked[s] = True
                any_marked = True
        for k in range(1, max_rounds + 1):
            if not any_marked:
                break
            n = raptor_round(
                tau[k - 1],
                tau[k],
                best,
                best_ride,
                marked,
                n_patterns,
                pat_stops_ptr,
                pat_stops,
                pat_ntrips,
                pat_time_ptr,
                arr,
                dep,
                sp_ptr,
                sp_pat,
                sp_pos,
                tr_ptr,
                tr_stop,
                tr_secs,
                q_pos,
                touched,
            )
            any_marked = n > 0
        marked[:] = False
        for d in range(n_dest):
            bestd = t0 + direct_secs[d] if direct_secs[d] >= 0 else INF
            for k in range(eg_ptr[d], eg_ptr[d + 1]):
                s = eg_stop[k]
                if best[s] < INF and best[s] + eg_secs[k] < bestd:
                    bestd = best[s] + eg_secs[k]
            out[oi, d] = bestd - t0 if bestd < INF else INF
    return out


def earliest_arrival(tt, origin_stop: int, depart: int, max_rounds: int = 20) -> np.ndarray:
    """Earliest arrival (s) at every stop leaving `origin_stop` at `depart` (INF if unreachable)."""
    n = tt.n_stops
    eg_ptr = np.arange(n + 1, dtype=np.int64)  # each stop is its own destination, no egress walk
    out = range_query(
        np.array([depart], dtype=np.int64),
        np.array([origin_stop], dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        max_rounds,
        *network_args(tt),
        eg_ptr,
        np.arange(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.full(n, -1, dtype=np.int64),
    )
    result = out[0].copy()
    reachable = result < INF
    result[reachable] += depart
    result[origin_stop] = depart
    return result


def network_args(tt) -> tuple:
    return (
        len(tt.pat_ntrips),
        tt.pat_stops_ptr,
        tt.pat_stops,
        tt.pat_ntrips,
        tt.pat_time_ptr,
        tt.arr,
        tt.dep,
        tt.sp_ptr,
        tt.sp_pat,
        tt.sp_pos,
        tt.tr_ptr,
        tt.tr_stop,
        tt.tr_secs,
    )
