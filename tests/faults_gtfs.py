"""Fault cases for GTFS timetables through the real BODS path (download from a local server, validate,
health-gate, quarantine): each broken feed is rejected with a reason naming the file, row and field, recorded
in raw.quarantine and raw.gtfs_feed_versions, and the network the travel-time planner uses stays the last
good version. The valid real feed (Chester, BODS, OGL) goes through the same path first."""

import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pytest_httpserver import HTTPServer

from tests.faults_live import step_error

ROOT = Path(__file__).resolve().parents[1]
CHESTER = ROOT / "data" / "embedded" / "gtfs" / "chester-20230816-small_gtfs.zip"
CHESTER_BBOX = [-3.2, 53.0, -2.6, 53.4]  # the feed's own area stands in for EMCCA's box


@dataclass
class GtfsCase:
    name: str
    expected_reason: str  # text the recorded reason must contain


def _zip(tables: dict, drop: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, frame in tables.items():
            if name != drop:
                z.writestr(name, frame.to_csv(index=False))
    return buf.getvalue()


def broken_feeds() -> list[tuple[GtfsCase, bytes]]:
    from assets.transport import gtfs

    def fresh():
        return {k: v.copy() for k, v in gtfs.read_tables(CHESTER).items()}

    unknown_route, bad_time, no_service, outside = fresh(), fresh(), fresh(), fresh()
    unknown_route["trips.txt"].loc[0, "route_id"] = "NO-SUCH-ROUTE"
    bad_time["stop_times.txt"].loc[0, "departure_time"] = "25:61:00"
    cal = no_service["calendar.txt"]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        cal[day] = 0
    no_service.pop("calendar_dates.txt", None)
    outside["stops.txt"]["stop_lat"] = outside["stops.txt"]["stop_lat"].astype(float) + 5  # the North Sea
    return [
        (GtfsCase("missing stop_times.txt", "stop_times.txt"), _zip(fresh(), drop="stop_times.txt")),
        (GtfsCase("trip with an unknown route_id", "route_id"), _zip(unknown_route)),
        (GtfsCase("a stop time of 25:61:00", "25:61:00"), _zip(bad_time)),
        (GtfsCase("a calendar with no service", "service"), _zip(no_service)),
        (GtfsCase("a zip that is not a zip", "zip"), b"<html><body>Bad gateway</body></html>"),
        (GtfsCase("stops all outside the area", "stops"), _zip(outside)),
    ]


@dataclass
class GtfsOutcome:
    case: GtfsCase
    status: str
    reason: str
    quarantine_rows: int
    good_version_kept: bool

    @property
    def passed(self) -> bool:
        return (
            self.status == "quarantined"
            and self.case.expected_reason.lower() in self.reason.lower()
            and self.quarantine_rows > 0
            and self.good_version_kept
        )


class GtfsFaults:
    def __init__(self, root: Path):
        from assets.platform.resources import FeedSource
        from assets.reference.assets import reference_assets
        from assets.transport.assets import raw_gtfs_feed_versions
        from tests.feed_resources import platform_in

        self.root, self.payload = root, CHESTER.read_bytes()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = HTTPServer(host="127.0.0.1", port=0)
        self.server.expect_request("/gtfs").respond_with_handler(
            lambda request: __import__("werkzeug").Response(self.payload, content_type="application/zip")
        )
        self.server.start()
        self.assets = [raw_gtfs_feed_versions, *[a for a in reference_assets if a.key.path[1] == "lsoa21_lookup"]]
        self.resources = {
            "warehouse": DuckDBResource(database=str(root / "w.duckdb")),
            "platform": platform_in(root, "d"),
            "bods_source": FeedSource(
                name="bods",
                live=True,
                options={"bbox": CHESTER_BBOX, "feeds": [{"name": "chester", "url": self.server.url_for("/gtfs")}]},
                http_retries=0,
                step_retries=0,
                timeout_seconds=10,
            ),
        }
        assert self._materialize().success
        self.good = self._current_good()
        assert self.good is not None, "the real Chester feed should be valid"

    def _materialize(self):
        return dg.materialize(
            self.assets,
            resources=self.resources,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )

    def _current_good(self):
        """The version the travel-time planner would route on (latest valid per feed)."""
        with self.resources["warehouse"].get_connection() as conn:
            row = conn.execute(
                "select version from raw.gtfs_feed_versions where status = 'valid' "
                "qualify row_number() over (partition by feed order by checked_at desc) = 1"
            ).fetchone()
        return row[0] if row else None

    def run(self, case: GtfsCase, payload: bytes) -> GtfsOutcome:
        self.payload = payload
        result = self._materialize()
        self.payload = CHESTER.read_bytes()
        with self.resources["warehouse"].get_connection() as conn:
            rows = conn.execute(
                "select coalesce(record_id, '') || ' ' || coalesce(field, '') || ': ' || reason from raw.quarantine "
                "where source = 'gtfs' and run_id = ?",
                [result.run_id],
            ).fetchall()
        reasons = "; ".join(r for (r,) in rows)
        if rows:
            status = "quarantined"
        elif result.success:
            status = "accepted"
        else:
            status, reasons = "step failed", step_error(result) or "failed"
        return GtfsOutcome(case, status, reasons, len(rows), self._current_good() == self.good)

    def close(self) -> None:
        self.server.clear()
        if self.server.is_running():
            self.server.stop()


def report(root: Path) -> int:
    root.mkdir()
    harness = GtfsFaults(root)
    try:
        header = f"{'broken GTFS (BODS path)':32} {'status':12} {'recorded reason':96} {'last good kept':>14}  result"
        print(header)
        print("-" * len(header))
        failed = 0
        for case, payload in broken_feeds():
            out = harness.run(case, payload)
            failed += not out.passed
            print(
                f"{case.name:32} {out.status:12} {out.reason[:96]:96} {str(out.good_version_kept):>14}  "
                f"{'pass' if out.passed else 'FAIL'}"
            )
        return failed
    finally:
        harness.close()
