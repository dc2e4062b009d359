"""Crash cases: `escalator refresh` (a real subprocess) killed with SIGKILL at a chosen point - the
process alone, as `kill -9`, the OOM killer or a lost host would - on a copy of a refreshed warehouse and
publication. Afterwards the warehouse opens for writing and `published/` matches its manifest; the
rerun (started by tests/faults_concurrency.py, beside a second refresh, the UI and a BI reader) succeeds
without manual repair and reports the interrupted runs it cleared."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.jobads.assets import EMBEDDED_SEEN_DATE
from assets.publication.publish import versions_dir
from assets.publication.verify import incomplete_versions, verify
from tests.site_copy import copy_site

ROOT = Path(__file__).resolve().parents[1]
ESCALATOR = Path(sys.executable).with_name("escalator")


@dataclass
class Site:
    """A private warehouse, publication, reports folder and DAGSTER_HOME, as env vars for `escalator`."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "escalator.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published"

    def env(self) -> dict:
        return {
            **os.environ,
            "ESCALATOR_WAREHOUSE": str(self.warehouse),
            "ESCALATOR_PUBLISHED_DIR": str(self.published),
            "ESCALATOR_REPORTS_DIR": str(self.root / "reports"),
            "ESCALATOR_DROPZONE": str(self.root / "dropzone"),
            "DAGSTER_HOME": str(self.root / "home"),
        }

    @classmethod
    def copy_of(cls, root: Path, warehouse: Path, published: Path) -> "Site":
        """A refreshed state copied (the warehouse file and the publication's version folders)."""
        site = cls(root)
        copy_site(warehouse, published, site.warehouse, site.published)
        (site.root / "home").mkdir()
        shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", site.root / "home" / "dagster.yaml")
        return site


def _versions(site: Site) -> set[str]:
    vdir = versions_dir(site.published)
    return {p.name for p in vdir.iterdir()} if vdir.exists() else set()


def _children(pid: int) -> list[str]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append((p / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (OSError, ValueError, IndexError):
                continue
    return out


@dataclass
class Watch:
    """What a trigger can look at while the refresh runs."""

    site: Site
    pid: int
    log: Path
    versions_before: set[str]

    def dbt_building(self) -> bool:
        return any(" build " in c and "dbt" in c for c in _children(self.pid))

    def step_running(self) -> bool:  # Dagster tails a step's compute log while the step runs
        return any(c.startswith("tail ") and "compute_logs" in c for c in _children(self.pid))

    def publishing(self) -> bool:
        return bool(_versions(self.site) - self.versions_before)


@dataclass
class CrashCase:
    name: str
    job: str
    args: list[str]
    trigger: Callable[[Watch], bool]


CASES = [
    CrashCase("killed during dbt", "validate_and_publish", [], Watch.dbt_building),
    # the job-ad day job is one step: the raw load of raw.job_ads
    CrashCase("killed during a raw load", "jobads_day", ["--day", EMBEDDED_SEEN_DATE], Watch.step_running),
    CrashCase("killed during publication", "validate_and_publish", [], Watch.publishing),
]


@dataclass
class CrashOutcome:
    case: CrashCase
    killed_after: float | None  # seconds after start; None: the point was never reached
    warehouse_opens: bool
    publication: list[str] = field(default_factory=list)  # verify() problems, [] when it matches
    half_written: list[str] = field(default_factory=list)  # version folders without a manifest
    live_version: str = ""  # the version published/ points at afterwards

    @property
    def passed(self) -> bool:
        return self.killed_after is not None and self.warehouse_opens and not self.publication


def _opens(path: Path, wait: float = 30) -> bool:
    """The warehouse opens for writing (after any orphaned child of the killed process lets go)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with duckdb.connect(str(path)) as conn:
                conn.execute("select count(*) from information_schema.tables").fetchone()
            return True
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                return False
            time.sleep(0.5)
        except duckdb.Error:
            return False


def kill(site: Site, case: CrashCase, timeout: float = 180) -> CrashOutcome:
    log = site.root / f"{case.job}-{int(time.time() * 1000)}.log"
    cmd = [str(ESCALATOR), "refresh", "--job", case.job, *case.args]
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=site.env(), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    watch = Watch(site, proc.pid, log, _versions(site))
    killed_after = None
    while proc.poll() is None and time.monotonic() - started < timeout:
        if case.trigger(watch):
            os.kill(proc.pid, signal.SIGKILL)
            killed_after = time.monotonic() - started
            break
        time.sleep(0.01)
    if proc.poll() is None and killed_after is None:
        proc.kill()
    proc.wait()
    return CrashOutcome(
        case,
        killed_after,
        _opens(site.warehouse),
        verify(site.published),
        incomplete_versions(site.published),
        site.published.resolve().name,
    )


@dataclass
class Rerun:
    code: int
    seconds: float
    recovered: list[str]  # the "recovered: run ... interrupted" lines the rerun printed
    publication: list[str]
    incomplete: list[str]
    unfinished: list[str]  # runs still STARTED (etc.) in the run history afterwards
    interrupted: int  # runs marked failed as interrupted, by this rerun or a command before it

    @property
    def passed(self) -> bool:
        return self.code == 0 and not self.publication and not self.incomplete and not self.unfinished


def after_rerun(site: Site, code: int, stdout: str, seconds: float) -> Rerun:
    """What the rerun after the kills (see tests/faults_concurrency.py, which starts it) left behind."""
    recovered = re.findall(r"recovered: (run .*)", stdout)
    unfinished, interrupted = run_history(site)
    return Rerun(
        code,
        seconds,
        recovered,
        verify(site.published),
        incomplete_versions(site.published),
        unfinished,
        interrupted,
    )


def run_history(site: Site) -> tuple[list[str], int]:
    """Terminal refreshes' runs not finished, and runs marked failed as interrupted, in the run history."""
    import dagster as dg
    from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

    from orchestration.interrupted import PROCESS_TAG

    with dg.DagsterInstance.from_config(str(site.root / "home")) as instance:
        runs = instance.get_runs()
        # runs a terminal refresh started (the daemon's own, e.g. a freshness check queued while the UI ran,
        # are the daemon's to run)
        unfinished = [
            f"{r.run_id[:8]} {r.job_name} {r.status.value}"
            for r in runs
            if r.status in NOT_FINISHED_STATUSES and PROCESS_TAG in r.tags
        ]
        interrupted = sum(
            any("Interrupted: process" in (e.message or "") for e in instance.all_logs(r.run_id))
            for r in runs
            if r.status == dg.DagsterRunStatus.FAILURE
        )
    return unfinished, interrupted


def report(site: Site) -> int:
    header = (
        f"{'crash case':30} {'job':22} {'killed at':>9}  {'warehouse':10} {'published/ vs manifest':28} "
        f"{'result':6} half-written versions left"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for case in CASES:
        out = kill(site, case)
        failed += not out.passed
        at = f"{out.killed_after:.1f}s" if out.killed_after is not None else "never"
        state = "matches" if not out.publication else out.publication[0][:28]
        print(
            f"{case.name:30} {case.job:22} {at:>9}  {'opens' if out.warehouse_opens else 'BROKEN':10} {state:28} "
            f"{'pass' if out.passed else 'FAIL':6} {len(out.half_written)}"
        )
    return failed


def report_rerun(again: Rerun) -> int:
    print(
        f"{'rerun without repair':30} {'validate_and_publish':22} {again.seconds:>8.1f}s  "
        f"{'exit ' + str(again.code):10} {('matches' if not again.publication else again.publication[0])[:28]:28} "
        f"{'pass' if again.passed else 'FAIL'}"
    )
    print(
        f"{'':30} {again.interrupted} killed run(s) marked failed as interrupted, {len(again.unfinished)} left "
        f"unfinished; {len(again.incomplete)} half-written version folder(s) left"
    )
    return 0 if again.passed else 1
