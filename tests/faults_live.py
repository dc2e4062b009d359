"""Fault cases for every live source (Nomis, ONS local statistics, DfE, Stat-Xplore, Adzuna, BODS), each
through its real asset and HTTP client against a local server speaking its recorded format: 500, 429 with
Retry-After, a hang, a truncated body, an HTML error page with status 200. Each must recover (429), or
fail loudly naming the source within the configured timeout - or, for a timetable, be quarantined naming
it - and never change what the warehouse already holds. A canary API key is sent to every keyed source
and must be written nowhere."""

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parents[1]
CANARY = "CANARY-api-key-7f3a9c"  # every keyed source gets it; it must never be written anywhere
TIMEOUT, RETRIES = 1.0, 1  # per attempt; a hang fails after (RETRIES + 1) x TIMEOUT plus the server's wait
HANG_BOUND = (RETRIES + 1) * TIMEOUT + 10  # seconds: the step must have failed by then (target <= 120)
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>Service unavailable</body></html>"


@dataclass
class LiveCase:
    name: str
    mode: str
    expected: str


CASES = [
    LiveCase("500 on every attempt", "500", "fails naming the source; data kept"),
    LiveCase("429 with Retry-After: 1, then OK", "429", "waits, retries, loads"),
    LiveCase("a hang (no answer)", "hang", f"fails within {HANG_BOUND:.0f} s; data kept"),
    LiveCase("truncated body", "truncated", "fails (or quarantined) naming the source; data kept"),
    LiveCase("HTML error page, status 200", "html", "fails (or quarantined) naming the source; data kept"),
]


class Source:
    """One live source in the harness: the routes it serves, its FeedSource options, its asset, and the
    snapshot of what it wrote that a fault must leave alone."""

    name = ""  # as its errors name it
    also_named = ()  # other names an error may give it (a timetable's feed name in its quarantine record)
    key = ""  # the FeedSource resource key
    data_path = ""  # the route that misbehaves
    content_type = "text/csv"
    quarantines_bad_data = False  # a timetable is quarantined (the last good one stays), not a failed step
    partition: str | None = None

    def __init__(self):
        self.release = 0  # bumped before every case so that release-checking sources fetch again

    def extra_routes(self) -> dict[str, "callable"]:
        return {}

    def body(self) -> bytes:
        raise NotImplementedError

    def options(self, url) -> dict:
        raise NotImplementedError

    def assets(self) -> list:
        raise NotImplementedError

    def snapshot(self, conn) -> list:
        raise NotImplementedError

    def setup(self, harness: "SourceFaults") -> None:
        """Anything the asset needs before it can run (reference tables)."""


class Nomis(Source):
    name, key, data_path = "Nomis", "nomis_source", "/api/v01/dataset/NM_17_5.data.csv"
    codes = ["E06000015", "E47000013"]

    def extra_routes(self):
        from tests.nomis_format import definition

        def sdmx(request):
            body = definition("NM_17_5", f"2026-10-{1 + self.release:02d} 09:30:00")
            return Response(json.dumps(body), content_type="application/json")

        return {"/api/v01/dataset/NM_17_5.def.sdmx.json": sdmx}

    def body(self):
        from tests.nomis_format import employment_rate_rows, to_csv

        return to_csv(employment_rate_rows(self.codes)).encode()

    def options(self, url):
        return {
            "base_url": url("/api/v01"),
            "geographies": self.codes,
            "queries": [{"indicator_id": "employment_rate", "dataset": "NM_17_5", "params": {"variable": "45"}}],
        }

    def assets(self):
        from assets.labour_market.nomis import raw_nomis_observations

        return [raw_nomis_observations]

    def snapshot(self, conn):
        return conn.execute(
            "select indicator_id, geography_code, period, value from raw.nomis_observations order by all"
        ).fetchall()


class OnsLocalStats(Source):
    name, key, data_path = "ONS local statistics", "ons_local_stats_source", "/employment-rate/employment-rate.csv"

    def extra_routes(self):
        return {}  # the release check is a HEAD on the data route (see SourceFaults._data)

    def body(self):
        from tests.feed_formats import ons_csv

        return ons_csv("employment-rate").encode()

    def options(self, url):
        return {"base_url": url("/"), "datasets": ["employment-rate"]}

    def assets(self):
        from assets.labour_market.ons import raw_ons_local_indicators

        return [raw_ons_local_indicators]

    def snapshot(self, conn):
        return conn.execute(
            "select areacd, indicator, period, observation from raw.ons_local_indicators order by all"
        ).fetchall()


class DfE(Source):
    name, key = "DfE EES", "dfe_neet_source"

    def __init__(self):
        from tests.feed_formats import DATA_SET

        super().__init__()
        self.data_set = DATA_SET
        self.data_path = f"/statistics/v1/data-sets/{DATA_SET}/csv"

    def extra_routes(self):
        from tests.feed_formats import dfe_summary

        def summary(request):
            return Response(json.dumps(dfe_summary(f"{self.release}.0")), content_type="application/json")

        return {f"/statistics/v1/data-sets/{self.data_set}": summary}

    def body(self):
        from tests.feed_formats import dfe_csv

        return ("\ufeff" + dfe_csv()).encode()

    def options(self, url):
        return {
            "base_url": url("/statistics"),
            "data_set_id": self.data_set,
            "filters": {"age_group": "16-17"},
            "numerator_column": "NEET_not_known",
            "denominator_column": "cohort",
        }

    def assets(self):
        from assets.labour_market.dfe_neet import raw_dfe_neet_observations

        return [raw_dfe_neet_observations]

    def snapshot(self, conn):
        return conn.execute(
            "select geography_code, period, value from raw.dfe_neet_observations order by all"
        ).fetchall()


class StatXplore(Source):
    name, key, data_path, content_type = "Stat-Xplore", "statxplore_source", "/table", "application/json"

    def body(self):
        from tests.feed_formats import statxplore_response

        return json.dumps(statxplore_response()).encode()

    def options(self, url):
        from assets.labour_market.connectors import statxplore
        from tests.feed_formats import LAS

        return {"base_url": url(""), "query": statxplore.default_query([c for c, _ in LAS])}

    def assets(self):
        from assets.labour_market.statxplore import raw_statxplore_observations

        return [raw_statxplore_observations]

    def snapshot(self, conn):
        return conn.execute(
            "select geography_code, period, value from raw.statxplore_observations order by all"
        ).fetchall()


class Adzuna(Source):
    name, key, data_path, content_type = "Adzuna", "adzuna_source", "/v1/api/jobs/gb/search/1", "application/json"

    def __init__(self):
        from assets.jobads.assets import today_london

        super().__init__()
        self.partition = today_london()  # the live feed is fetched for today only

    def body(self):
        from tests.feed_formats import adzuna_page, adzuna_result

        return json.dumps(adzuna_page([adzuna_result(i) for i in range(12)], 12)).encode()

    def options(self, url):
        return {"base_url": url(""), "where": ["Mansfield"]}

    def assets(self):
        from assets.jobads.assets import raw_job_ads
        from assets.reference.assets import reference_assets

        needed = {"soc2020_coding_index", "soc2020_unit_groups", "lsoa21_lookup", "lad_lookup"}
        return [raw_job_ads, *[a for a in reference_assets if a.key.path[1] in needed]]

    def setup(self, harness):
        quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
        assert dg.materialize(self.assets()[1:], resources=harness.resources, run_config=quiet).success

    def snapshot(self, conn):
        return conn.execute(
            "select source_id, title, soc2020 from raw.job_ads where seen_date = ? order by all", [self.partition]
        ).fetchall()


class Bods(Source):
    name, key, data_path, content_type = "BODS", "bods_source", "/gtfs", "application/zip"
    also_named = ("chester",)
    quarantines_bad_data = True

    def body(self):
        return (ROOT / "data" / "embedded" / "gtfs" / "chester-20230816-small_gtfs.zip").read_bytes()

    def options(self, url):
        return {"bbox": [-3.2, 53.0, -2.6, 53.4], "feeds": [{"name": "chester", "url": url("/gtfs")}]}

    def assets(self):
        from assets.reference.assets import reference_assets
        from assets.transport.assets import raw_gtfs_feed_versions

        return [raw_gtfs_feed_versions, *[a for a in reference_assets if a.key.path[1] == "lsoa21_lookup"]]

    def snapshot(self, conn):  # the network the planner routes on: the latest valid version
        return conn.execute(
            "select feed, version from raw.gtfs_feed_versions where status = 'valid' "
            "qualify row_number() over (partition by feed order by checked_at desc) = 1"
        ).fetchall()


SOURCES = [Nomis, OnsLocalStats, DfE, StatXplore, Adzuna, Bods]


@dataclass
class LiveOutcome:
    source: str
    names: tuple[str, ...]
    case: LiveCase
    succeeded: bool
    seconds: float
    error: str  # the failed step's error, or the quarantine reason
    data_kept: bool
    quarantined: bool = False

    @property
    def passed(self) -> bool:
        if self.case.mode == "429":
            return self.succeeded
        named = any(n.lower() in self.error.lower() for n in self.names)
        in_time = self.seconds < HANG_BOUND + 10  # plus the run's own overhead
        return named and self.data_kept and in_time and (self.quarantined or not self.succeeded)


class SourceFaults:
    """A local server answering for one source, a private warehouse, and a persistent Dagster instance
    (run and event storage, compute logs) in the folder the canary scan reads."""

    def __init__(self, source: Source, root: Path):
        from assets.platform.resources import FeedSource, WarehouseResource
        from orchestration.resources import build_resources
        from orchestration.settings import load_settings
        from tests.feed_resources import platform_in

        self.src, self.root, self.mode, self.calls = source, root, "ok", 0
        root.mkdir(parents=True, exist_ok=True)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = HTTPServer(host="127.0.0.1", port=0)
        for path, handler in source.extra_routes().items():
            self.server.expect_request(path).respond_with_handler(handler)
        self.server.expect_request(source.data_path).respond_with_handler(self._data)
        self.server.start()
        feed = FeedSource(
            name=source.key.removesuffix("_source"),
            live=True,
            options=source.options(self.server.url_for),
            http_retries=RETRIES,
            http_backoff=0,
            timeout_seconds=TIMEOUT,
            step_retries=0,
            api_key=CANARY,
            app_id="canary-app",
        )
        (root / "home").mkdir(exist_ok=True)
        (root / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        self.instance = dg.DagsterInstance.from_config(str(root / "home"))
        self.resources = {
            **build_resources(load_settings()),
            "warehouse": WarehouseResource(database=str(root / "w.duckdb")),
            "platform": platform_in(root, "d"),
            source.key: feed,
        }
        source.setup(self)
        result = self._materialize()
        assert result.success, f"{source.name}: the good answer did not load: {step_error(result)}"
        assert self._snapshot(), f"{source.name}: the good answer loaded nothing"

    def _data(self, request: Request) -> Response:
        if request.method == "HEAD":  # ONS's release check: the file's ETag changes with each release
            return Response(b"", headers={"ETag": f'"r{self.src.release}"'}, content_type=self.src.content_type)
        self.calls += 1
        body = self.src.body()
        if self.mode == "500":
            return Response("Internal Server Error", status=500)
        if self.mode == "429" and self.calls == 1:
            return Response("Too many requests", status=429, headers={"Retry-After": "1"})
        if self.mode == "hang":
            time.sleep(TIMEOUT * 2.5)
        if self.mode == "truncated":
            body = body[: len(body) * 2 // 3]  # cut part way through a record, sent with a matching length
        if self.mode == "html":
            return Response(HTML, content_type="text/html; charset=utf-8")
        return Response(body, content_type=self.src.content_type)

    def _materialize(self):
        return dg.materialize(
            self.src.assets(),
            resources=self.resources,
            instance=self.instance,
            partition_key=self.src.partition,
            selection=self.src.assets()[:1],
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )

    def _snapshot(self) -> list:
        with duckdb.connect(str(self.root / "w.duckdb"), read_only=True) as conn:
            return self.src.snapshot(conn)

    def _quarantine(self, run_id: str) -> str:
        with duckdb.connect(str(self.root / "w.duckdb"), read_only=True) as conn:
            rows = conn.execute(
                "select coalesce(record_id, '') || ': ' || reason from raw.quarantine where run_id = ?", [run_id]
            ).fetchall()
        return "; ".join(r for (r,) in rows)

    def run(self, case: LiveCase) -> LiveOutcome:
        before = self._snapshot()
        self.src.release += 1
        self.mode, self.calls = case.mode, 0
        started = time.perf_counter()
        result = self._materialize()
        seconds = time.perf_counter() - started
        self.mode = "ok"
        quarantine = self._quarantine(result.run_id) if result.success and self.src.quarantines_bad_data else ""
        error = quarantine or step_error(result)
        return LiveOutcome(
            self.src.name,
            (self.src.name, *self.src.also_named),
            case,
            result.success,
            seconds,
            error,
            self._snapshot() == before,
            bool(quarantine),
        )

    def files_with_the_secret(self) -> list[str]:
        """Every file under the harness folder (warehouse, run/event storage, compute logs) holding the key."""
        return [
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and CANARY.encode() in p.read_bytes()
        ]

    def key_was_sent(self) -> bool:
        return any(CANARY in str(req.url) or CANARY in str(req.headers) for req, _ in self.server.log)

    def close(self) -> None:
        self.instance.dispose()
        self.server.clear()
        if self.server.is_running():
            self.server.stop()


def step_error(result) -> str:
    """The first failed step's error as a person should read it (the FeedError), not Dagster's wrapper."""
    failures = [e.event_specific_data.error for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    if not failures:
        return ""
    error = failures[0]
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = str(error.message).strip()
    return message.split(": ", 1)[1] if message.split(": ", 1)[0].endswith("Error") else message


def report(root: Path) -> int:
    header = f"{'live source':21} {'case':33} {'expected':52} {'observed':66} {'time':>6}  result"
    print(header)
    print("-" * len(header))
    failed = 0
    for source_class in SOURCES:
        harness = SourceFaults(source_class(), root / source_class.__name__)
        try:
            for case in CASES:
                out = harness.run(case)
                observed = "loaded" if out.succeeded and not out.quarantined else out.error.splitlines()[0]
                observed = ("quarantined: " if out.quarantined else "") + observed
                failed += not out.passed
                print(
                    f"{harness.src.name:21} {case.name:33} {case.expected:52} {observed[:66]:66} "
                    f"{out.seconds:>5.1f}s  {'pass' if out.passed else 'FAIL'}"
                )
            leaked, sent = harness.files_with_the_secret(), harness.key_was_sent()
            ok = not leaked and (sent or harness.src.key in ("ons_local_stats_source", "dfe_neet_source"))
            failed += not ok
            print(
                f"{harness.src.name:21} {'canary API key':33} {'sent if the source takes a key, written nowhere':52} "
                f"{f'sent: {sent}; in {len(leaked)} file(s)':66} {'':>6}  {'pass' if ok else 'FAIL'}"
            )
        finally:
            harness.close()
    return failed
