"""Idempotency and determinism, on a refreshed site (tests/faults_crash.Site) with real `escalator`
subprocesses: a second daily refresh of the same day and data publishes the same data (every published
table's row count and order-free row hash; `feed_status` aside, its ages and times change by design), and
rerunning a job-ad day replaces that day's adverts instead of adding to them. `make faults` prints the
table; in `make test` the gate module's second full refresh must reproduce the session's data."""

import subprocess
import time
from dataclasses import dataclass

import duckdb

from assets.jobads.assets import EMBEDDED_SEEN_DATE
from assets.publication.fingerprint import fingerprint
from tests.faults_crash import ESCALATOR, ROOT, Site


def published_data(site: Site) -> dict:
    with duckdb.connect(str(site.warehouse), read_only=True) as conn:
        return fingerprint(conn)


def advert_day(site: Site, day: str) -> tuple[int, int]:
    """Rows of one job-ad day and an order-free hash of their ids and titles."""
    with duckdb.connect(str(site.warehouse), read_only=True) as conn:
        return conn.execute(
            "select count(*), coalesce(sum(hash(advert_key, title)), 0) from raw.job_ads "
            "where seen_date = cast(? as date)",
            [day],
        ).fetchone()


def _refresh(site: Site, *args: str) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run([str(ESCALATOR), "refresh", *args], env=site.env(), capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(done.stdout[-1500:], done.stderr[-1500:])
    return done.returncode, time.perf_counter() - started


@dataclass
class Repeat:
    name: str
    expected: str
    observed: str
    seconds: float
    passed: bool


def repeat_refresh(site: Site) -> Repeat:
    before = published_data(site)
    code, seconds = _refresh(site)
    after = published_data(site)
    differ = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    rows = sum(t["rows"] for t in after.values())
    return Repeat(
        "daily refresh again, same day and data",
        "every published table's data identical",
        f"exit {code}; {len(after)} tables, {rows:,} rows; {len(differ)} differ {differ[:3] if differ else ''}",
        seconds,
        code == 0 and not differ and len(after) > 0,
    )


def repeat_day(site: Site, day: str = EMBEDDED_SEEN_DATE) -> Repeat:
    before = advert_day(site, day)
    code, seconds = _refresh(site, "--job", "jobads_day", "--day", day)
    after = advert_day(site, day)
    return Repeat(
        f"job-ad day {day} loaded again",
        "the day replaced: same rows, not twice",
        f"exit {code}; {before[0]} rows before, {after[0]} after, ids {'same' if after == before else 'DIFFER'}",
        seconds,
        code == 0 and after == before and after[0] > 0,
    )


def report(site: Site) -> int:
    header = f"{'repeat case':40} {'expected':40} {'observed':72} {'time':>6}  result"
    print(header)
    print("-" * len(header))
    failed = 0
    for out in (repeat_refresh(site), repeat_day(site)):
        failed += not out.passed
        print(
            f"{out.name:40} {out.expected:40} {out.observed[:72]:72} {out.seconds:>5.0f}s  "
            f"{'pass' if out.passed else 'FAIL'}"
        )
    return failed
