"""Concurrency case: two `escalator refresh` started together on one site while the Dagster UI
(`escalator dev`) runs and a BI reader polls the publication. One refresh runs, the other exits at once
with a message; the UI keeps answering; the reader never fails (it reads the published DuckDB file and
the Parquet, never the warehouse DuckDB locks for the writer); the UI and daemon listen on 127.0.0.1."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.publication.publish import BI_DATABASE
from assets.publication.verify import verify
from tests.faults_crash import ESCALATOR, ROOT, Site

RUNS_QUERY = "{ runsOrError(limit: 5) { __typename ... on Runs { results { runId status } } } }"


@dataclass
class ConcurrencyOutcome:
    exit_codes: list[int]
    refused_message: str  # what the refresh that did not run printed
    winner_stdout: str = ""  # what the refresh that ran printed
    winner_code: int = -1
    reads: int = 0
    read_errors: list[str] = field(default_factory=list)
    ui_answers: int = 0
    ui_errors: list[str] = field(default_factory=list)
    listening: list[str] = field(default_factory=list)  # host:port the UI's process tree listens on
    publication: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return (
            sorted(self.exit_codes) == [0, 3]
            and "another refresh is running" in self.refused_message
            and self.reads > 0
            and not self.read_errors
            and self.ui_answers > 0
            and not self.ui_errors
            and bool(self.listening)
            and all(a.startswith(("127.0.0.1:", "[::1]:")) for a in self.listening)
            and not self.publication
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                parents[int(p.name)] = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, frontier = {pid}, [pid]
    while frontier:
        frontier = [c for c, parent in parents.items() if parent in frontier and c not in out]
        out.update(frontier)
    return out


def listening_addresses(pid: int) -> list[str]:
    """host:port of every TCP socket in LISTEN state owned by `pid` or its descendants (from /proc)."""
    inodes = set()
    for p in _tree(pid):
        try:
            for fd in Path(f"/proc/{p}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    out = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] != "0A" or cols[9] not in inodes:  # 0A: LISTEN
                continue
            hexaddr, hexport = cols[1].split(":")
            raw = bytes.fromhex(hexaddr)
            if v6:
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                host = f"[{socket.inet_ntop(socket.AF_INET6, words)}]"
            else:
                host = socket.inet_ntoa(raw[::-1])
            out.append(f"{host}:{int(hexport, 16)}")
    return sorted(set(out))


def _ui_ok(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=10) as resp:
        assert resp.status == 200
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": RUNS_QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as resp:
        assert json.load(resp)["data"]["runsOrError"]["__typename"] == "Runs"


def _read(site: Site) -> None:
    folder = site.published.resolve()
    with duckdb.connect(str(folder / BI_DATABASE), read_only=True) as bi:
        assert bi.execute("select count(*) from fct_plan_indicators").fetchone()[0] > 0
    parquet = folder / "fct_plan_indicators.parquet"
    assert duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchall()[0][0] > 0


def start_ui(site: Site, port: int, log: Path, wait: float = 180) -> subprocess.Popen:
    ui = subprocess.Popen(
        [str(ESCALATOR), "dev", "--port", str(port)],
        env=site.env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,  # its own process group, stopped as one below
    )
    deadline = time.monotonic() + wait
    while True:
        try:
            _ui_ok(port)
            return ui
        except Exception:
            if ui.poll() is not None or time.monotonic() > deadline:
                stop(ui)
                raise RuntimeError(f"the Dagster UI did not come up on port {port}: see {log}") from None
            time.sleep(1)


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def during_a_refresh(site: Site, job: str = "validate_and_publish") -> ConcurrencyOutcome:
    port = free_port()
    ui = start_ui(site, port, site.root / "ui.log")
    try:
        listening = listening_addresses(ui.pid)
        started = time.monotonic()
        cmd = [str(ESCALATOR), "refresh", "--job", job]
        both = [
            subprocess.Popen(cmd, env=site.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            for _ in range(2)
        ]
        out = ConcurrencyOutcome([], "", listening=listening)
        while any(p.poll() is None for p in both):
            for check, errors in ((lambda: _read(site), out.read_errors), (lambda: _ui_ok(port), out.ui_errors)):
                try:
                    check()
                    if errors is out.read_errors:
                        out.reads += 1
                    else:
                        out.ui_answers += 1
                except Exception as exc:  # noqa: BLE001 - every failure is a finding, recorded
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
            time.sleep(0.5)
        out.seconds = time.monotonic() - started
        for p in both:
            stdout, stderr = p.communicate()
            out.exit_codes.append(p.returncode)
            if p.returncode == 3:
                out.refused_message = stderr.strip()
            else:
                out.winner_stdout, out.winner_code = stdout, p.returncode
        out.publication = verify(site.published)
        return out
    finally:
        stop(ui)


def report(site: Site) -> tuple[int, ConcurrencyOutcome]:
    out = during_a_refresh(site)
    rows = [
        (
            "two refreshes started together",
            "one runs, one exits 3 with a message",
            f"exit codes {sorted(out.exit_codes)}",
        ),
        (
            "BI reader during the refresh",
            "published DuckDB + Parquet always readable",
            f"{out.reads} reads, {len(out.read_errors)} failed",
        ),
        (
            "Dagster UI during the refresh",
            "answers /server_info and GraphQL",
            f"{out.ui_answers} answers, {len(out.ui_errors)} failed",
        ),
        ("UI and daemon bind address", "127.0.0.1 only", ", ".join(out.listening)),
    ]
    header = f"{'concurrency case':32} {'expected':44} {'observed':40}"
    print(header)
    print("-" * len(header))
    for name, expected, observed in rows:
        print(f"{name:32} {expected:44} {observed[:40]:40}")
    print(f"{'':32} {'pass' if out.passed else 'FAIL'} in {out.seconds:.0f}s; refused: {out.refused_message[:90]}")
    return (0 if out.passed else 1), out
