"""Fault cases for a live official-statistics feed (Nomis, through the real asset raw/nomis_observations
and its HTTP client, served by a local server in Nomis's formats): 500, 429 with Retry-After, a hang, a
truncated CSV, an HTML error page with status 200. Each must fail loudly naming the source within the
configured timeout, or recover, and never change the table the warehouse already holds."""

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.nomis_format import definition, employment_rate_rows, to_csv

CODES = ["E06000015", "E47000013"]
CANARY = "CANARY-nomis-key-7f3a9c"  # sent as the Nomis uid on every request; must never be written anywhere
TIMEOUT, RETRIES = 1.0, 1  # per attempt; a hang fails after (RETRIES + 1) x TIMEOUT plus the server's wait


@dataclass
class LiveCase:
    name: str
    expected: str
    should_succeed: bool


CASES = [
    LiveCase("500 on the data endpoint", "fails naming Nomis; table kept", False),
    LiveCase("429 with Retry-After: 1, then OK", "waits, retries, loads the new release", True),
    LiveCase("a hang (no answer)", f"fails within {(RETRIES + 1) * TIMEOUT + 2:.0f} s; table kept", False),
    LiveCase("truncated CSV", "row count check fails; table kept", False),
    LiveCase("HTML error page with status 200", "content-type check fails; table kept", False),
]


@dataclass
class LiveOutcome:
    case: LiveCase
    succeeded: bool
    seconds: float
    error: str
    table_kept: bool

    @property
    def passed(self) -> bool:
        if self.case.should_succeed:
            return self.succeeded
        bound = (RETRIES + 1) * TIMEOUT + 5
        return not self.succeeded and "Nomis" in self.error and self.table_kept and self.seconds < bound + 10


class NomisFaults:
    def __init__(self, root: Path):
        from assets.labour_market.nomis import raw_nomis_observations
        from assets.platform.resources import FeedSource

        self.root, self.asset, self.release, self.mode = root, raw_nomis_observations, 0, "ok"
        self.calls = 0
        self.server = HTTPServer(host="127.0.0.1", port=0)
        self.server.expect_request("/api/v01/dataset/NM_17_5.def.sdmx.json").respond_with_handler(self._definition)
        self.server.expect_request("/api/v01/dataset/NM_17_5.data.csv").respond_with_handler(self._data)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the table, not the access log
        self.server.start()
        source = FeedSource(
            name="nomis",
            live=True,
            options={
                "base_url": self.server.url_for("/api/v01"),
                "geographies": CODES,
                "queries": [{"indicator_id": "employment_rate", "dataset": "NM_17_5", "params": {"variable": "45"}}],
            },
            http_retries=RETRIES,
            http_backoff=0,
            timeout_seconds=TIMEOUT,
            step_retries=0,
            api_key=CANARY,
        )
        # a persistent instance (run and event storage, compute logs) in the folder the canary scan reads
        (root / "home").mkdir(parents=True, exist_ok=True)
        self.instance = dg.DagsterInstance.local_temp(tempdir=str(root / "home"))
        self.resources = {"warehouse": DuckDBResource(database=str(root / "w.duckdb")), "nomis_source": source}
        assert self._materialize().success  # the good release the faults must not disturb

    def files_with_the_secret(self) -> list[str]:
        """Every file under the harness folder (warehouse, run/event storage, compute logs) holding the key."""
        hits = [
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and CANARY.encode() in p.read_bytes()
        ]
        return hits

    def close(self) -> None:
        self.instance.dispose()
        self.server.clear()
        if self.server.is_running():
            self.server.stop()

    def _definition(self, request: Request) -> Response:
        body = definition("NM_17_5", f"2026-10-{14 + self.release:02d} 09:30:00")
        return Response(json.dumps(body), content_type="application/json")

    def _data(self, request: Request) -> Response:
        self.calls += 1
        csv = to_csv(employment_rate_rows(CODES))
        if self.mode == "500":
            return Response("Internal Server Error", status=500)
        if self.mode == "429" and self.calls == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        if self.mode == "hang":
            time.sleep(TIMEOUT * 2.5)
        if self.mode == "truncated":
            csv = "\n".join(csv.splitlines()[:-1]) + "\n"  # the last row cut off, RECORD_COUNT still says all
        if self.mode == "html":
            return Response("<html><body><h1>Service unavailable</h1></body></html>", content_type="text/html")
        return Response(csv, content_type="text/csv")

    def _materialize(self):
        return dg.materialize(
            [self.asset],
            resources=self.resources,
            instance=self.instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )

    def _table(self):
        with duckdb.connect(str(self.root / "w.duckdb"), read_only=True) as conn:
            return conn.execute(
                "select indicator_id, geography_code, period, value from raw.nomis_observations order by all"
            ).fetchall()

    def run(self, case: LiveCase, mode: str) -> LiveOutcome:
        before = self._table()
        self.release += 1  # Nomis announces a new release, so the asset goes to fetch it
        self.mode, self.calls = mode, 0
        started = time.perf_counter()
        result = self._materialize()
        seconds = time.perf_counter() - started
        error = step_error(result)
        self.mode = "ok"
        return LiveOutcome(case, result.success, seconds, error, self._table() == before)


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


MODES = {
    "500 on the data endpoint": "500",
    "429 with Retry-After: 1, then OK": "429",
    "a hang (no answer)": "hang",
    "truncated CSV": "truncated",
    "HTML error page with status 200": "html",
}


def report(root: Path) -> int:
    harness = NomisFaults(root)
    try:
        header = f"{'live source case':36} {'expected':44} {'observed':72} {'time':>6}  result"
        print(header)
        print("-" * len(header))
        failed = 0
        for case in CASES:
            out = harness.run(case, MODES[case.name])
            observed = "loaded" if out.succeeded else out.error.splitlines()[0][:72]
            failed += not out.passed
            print(
                f"{case.name:36} {case.expected:44} {observed:72} {out.seconds:>5.1f}s  "
                f"{'pass' if out.passed else 'FAIL'}"
            )
        leaked = harness.files_with_the_secret()
        sent = sum(CANARY in str(req.url) for req, _ in harness.server.log)
        failed += bool(leaked) or not sent
        print(
            f"{'secrets canary (API key as Nomis uid)':36} {'sent to the source, written nowhere':44} "
            f"{f'sent {sent} times, in {len(leaked)} files':72} {'':>6}  {'pass' if sent and not leaked else 'FAIL'}"
        )
        return failed
    finally:
        harness.close()
