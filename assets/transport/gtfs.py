"""Read and validate a GTFS feed before routing. Every problem names its file, row and field.

Errors make the feed unusable (it is quarantined and the last good network stays in use); warnings are
recorded. Service days come from partridge (calendar and/or calendar_dates, both supported)."""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

REQUIRED = ["agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt"]
TIME = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")  # hours may pass 24 (service after midnight)
MIN_SERVICE_SHARE = 0.20  # r5r's rule: a routing date must run at least 20% of the feed's services


@dataclass(frozen=True)
class Issue:
    file: str
    row: int | None  # 1-based data row (header excluded), None for file-level problems
    field: str | None
    message: str

    def __str__(self) -> str:
        where = (
            self.file
            + (f" row {self.row}" if self.row is not None else "")
            + (f" field {self.field}" if self.field else "")
        )
        return f"{where}: {self.message}"


@dataclass
class Validation:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FeedInvalid(Exception):
    def __init__(self, feed: str, validation: Validation):
        self.validation = validation
        shown = "; ".join(str(e) for e in validation.errors[:5])
        more = f" (+{len(validation.errors) - 5} more)" if len(validation.errors) > 5 else ""
        super().__init__(f"GTFS feed {feed} is invalid: {shown}{more}")


def parse_time(value: str) -> int | None:
    """'25:10:00' -> seconds after midnight of the service day; None when malformed."""
    m = TIME.match(str(value).strip())
    return None if m is None else int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])


def read_tables(path: Path) -> dict[str, pd.DataFrame]:
    with zipfile.ZipFile(path) as z:
        names = {Path(n).name: n for n in z.namelist() if n.endswith(".txt")}
        return {
            name: pd.read_csv(io.BytesIO(z.read(full)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for name, full in names.items()
        }


def _check_refs(v: Validation, child: pd.DataFrame, file: str, column: str, parent: set, parent_file: str) -> None:
    bad = ~child[column].isin(parent)
    for idx in np.flatnonzero(bad.to_numpy())[:50]:
        v.errors.append(
            Issue(file, int(idx) + 1, column, f"{column} {child[column].iat[idx]!r} not found in {parent_file}")
        )
    if bad.sum() > 50:
        v.errors.append(Issue(file, None, column, f"{int(bad.sum()) - 50} more unknown {column} values"))


def validate_tables(t: dict[str, pd.DataFrame]) -> Validation:
    v = Validation()
    for name in REQUIRED:
        if name not in t:
            v.errors.append(Issue(name, None, None, "required file is missing"))
    if "calendar.txt" not in t and "calendar_dates.txt" not in t:
        v.errors.append(Issue("calendar.txt", None, None, "neither calendar.txt nor calendar_dates.txt present"))
    if v.errors:
        return v
    for name, cols in {
        "stops.txt": ["stop_id", "stop_lat", "stop_lon"],
        "trips.txt": ["trip_id", "route_id", "service_id"],
        "stop_times.txt": ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"],
        "routes.txt": ["route_id"],
    }.items():
        for col in cols:
            if col not in t[name].columns:
                v.errors.append(Issue(name, None, col, "required field is missing"))
    if v.errors:
        return v
    _check_refs(v, t["trips.txt"], "trips.txt", "route_id", set(t["routes.txt"].route_id), "routes.txt")
    _check_refs(v, t["stop_times.txt"], "stop_times.txt", "trip_id", set(t["trips.txt"].trip_id), "trips.txt")
    _check_refs(v, t["stop_times.txt"], "stop_times.txt", "stop_id", set(t["stops.txt"].stop_id), "stops.txt")
    st = t["stop_times.txt"]
    for col in ("arrival_time", "departure_time"):
        values = st[col]
        filled = values != ""
        bad = filled & ~values.str.strip().str.match(TIME.pattern)
        for idx in np.flatnonzero(bad.to_numpy())[:50]:
            v.errors.append(
                Issue("stop_times.txt", int(idx) + 1, col, f"{values.iat[idx]!r} is not a valid HH:MM:SS time")
            )
    stops = t["stops.txt"]
    for col in ("stop_lat", "stop_lon"):
        bad = pd.to_numeric(stops[col], errors="coerce").isna()
        for idx in np.flatnonzero(bad.to_numpy())[:20]:
            v.errors.append(Issue("stops.txt", int(idx) + 1, col, f"{stops[col].iat[idx]!r} is not a number"))
    return v


@dataclass
class Health:
    routing_date: date
    services_total: int
    services_running: int
    stops_total: int
    stops_inside: int

    @property
    def service_share(self) -> float:
        return self.services_running / self.services_total if self.services_total else 0.0


def health(
    path: Path,
    t: dict[str, pd.DataFrame],
    routing_date: date,
    bbox: tuple[float, float, float, float],
    min_stops_inside: int = 10,
) -> tuple[Health, list[Issue]]:
    """The gate before routing: the date is covered, enough services run on it, enough stops are inside."""
    import partridge as ptg

    by_date = ptg.read_service_ids_by_date(str(path))
    running = by_date.get(routing_date, frozenset())
    total = set(t["trips.txt"].service_id)
    stops = t["stops.txt"]
    lon = pd.to_numeric(stops.stop_lon, errors="coerce")
    lat = pd.to_numeric(stops.stop_lat, errors="coerce")
    inside = int(((lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])).sum())
    h = Health(routing_date, len(total), len(running & total), len(stops), inside)
    problems = []
    if not running:
        first, last = (min(by_date), max(by_date)) if by_date else (None, None)
        problems.append(
            Issue(
                "calendar.txt",
                None,
                None,
                f"no service runs on the routing date {routing_date} (feed covers {first} to {last})",
            )
        )
    elif h.service_share < MIN_SERVICE_SHARE:
        problems.append(
            Issue(
                "calendar.txt", None, None, f"only {h.service_share:.0%} of services run on {routing_date} (need 20%)"
            )
        )
    if inside < min_stops_inside:
        problems.append(
            Issue(
                "stops.txt",
                None,
                "stop_lat/stop_lon",
                f"only {inside} stops inside the study area (need {min_stops_inside})",
            )
        )
    return h, problems


def busiest_weekday(path: Path, weekday: int = 1) -> date:
    """The feed's busiest Tuesday (DfT JTS convention: a Tuesday in term time) by number of services."""
    import partridge as ptg

    by_date = ptg.read_service_ids_by_date(str(path))
    candidates = [(len(s), d) for d, s in by_date.items() if d.weekday() == weekday] or [
        (len(s), d) for d, s in by_date.items()
    ]
    return max(candidates, key=lambda x: (x[0], -x[1].toordinal()))[1]
