"""The travel-time matrix on Celery, for real: Debian's redis-server on 127.0.0.1 as the broker, two worker
processes (`celery -A orchestration.celery_app worker`), the `escalator travel-times --executor celery`
command as an operator runs it, on a site of its own (the stand-in network, EMCCA's origins). A worker is
SIGKILLed while it holds a chunk; the broker is stopped mid-run. Both are the faults a cluster meets."""

import hashlib
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from assets.transport.matrix import Chunk, compute_chunk, load_network
from assets.transport.standin import build_standin
from benchmarks.celery_matrix import make_site
from benchmarks.england_scale import LSOA
from orchestration.celery_cluster import local_cluster, redis_server

pytestmark = pytest.mark.skipif(
    redis_server() is None,
    reason="redis-server is not installed, so the Celery matrix cannot run here: `make test` installs "
    "Debian's redis-server when run as root (apt-get install redis-server)",
)

ORIGINS, CHUNKS = 400, 4  # ~2.5 s per chunk here: long enough to be killed mid-chunk, short beside the timeout
VISIBILITY_TIMEOUT = 15  # seconds before a dead worker's chunk is handed to another
COLUMNS = ["origin_lsoa", "destination_lsoa", "window", "p50_minutes", "p80_minutes", "network_version"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def standin(tmp_path_factory) -> Path:
    """The stand-in generator's SYNTHETIC GTFS for EMCCA (what the embedded refresh routes on)."""
    path = tmp_path_factory.mktemp("standin") / "standin.zip"
    build_standin(LSOA, path)
    return path


@pytest.fixture()
def cluster(request, standin, tmp_path):
    """A site with the stand-in network and EMCCA's 1,335 origins, its own Dagster instance and exchange
    folder (shared by the run and the workers), a broker on a free port and two workers. No session
    refresh needed: this module can run while the other test worker refreshes."""
    port = _free_port()
    env = make_site(tmp_path / "site", None, standin, None, port=port)
    env["ESCALATOR_CELERY_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)
    workers = getattr(request, "param", 2)  # two unless a test asks for fewer
    with local_cluster(workers, tmp_path / "cluster", port=port, env=env) as (broker, workers):
        yield {"env": env, "home": Path(env["DAGSTER_HOME"]), "broker": broker, "workers": workers}


def _start_run(cluster) -> subprocess.Popen:
    cmd = [str(Path(sys.executable).with_name("escalator")), "travel-times", "--executor", "celery"]
    cmd += ["--chunks", str(CHUNKS), "--origin-limit", str(ORIGINS)]
    return subprocess.Popen(cmd, env=cluster["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _executions(instance: dg.DagsterInstance) -> list[tuple[str, str]]:
    """(step, worker) for every step a worker started, in order, from the newest run's event log."""
    runs = instance.get_runs(limit=1)
    if not runs:
        return []
    out = []
    for record in instance.get_records_for_run(runs[0].run_id).records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.event_type_value == "ENGINE_EVENT" and "in celery worker" in event.message:
            out.append((event.step_key, event.event_specific_data.metadata["Celery worker"].value))
    return out


def _wait_for_step(cluster, run: subprocess.Popen, kind: str, timeout: float = 90) -> tuple[str, str]:
    """The first step of this kind a worker starts, and that worker's name."""
    instance = dg.DagsterInstance.from_config(str(cluster["home"]))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        started = [(s, w) for s, w in _executions(instance) if kind in s]
        if started:
            return started[0]
        time.sleep(0.1)
    raise AssertionError(f"no {kind} step started within {timeout} s: {run.communicate()[0] if run.poll() else ''}")


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    frame = frame[COLUMNS].sort_values(COLUMNS[:3]).reset_index(drop=True)
    return frame.to_csv(index=False, float_format="%.17g").encode()


def _matrix_bytes(warehouse: Path, table: str) -> bytes:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return _frame_bytes(conn.execute(f"select * from {table}").df())


def _rows(warehouse: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(query).fetchall()


def test_a_worker_killed_mid_chunk_loses_nothing_and_the_matrix_matches_the_in_process_run(cluster):
    run = _start_run(cluster)
    step, worker = _wait_for_step(cluster, run, "travel_time_chunk")
    victim = next(proc for proc, log in cluster["workers"] if log.name == f"worker-{worker.split('@')[0]}.log")
    victim.send_signal(signal.SIGKILL)  # mid-chunk: it ran ~4 s, the kill comes within 0.1 s of its start
    out, _ = run.communicate(timeout=VISIBILITY_TIMEOUT + 120)
    assert run.returncode == 0, out
    instance = dg.DagsterInstance.from_config(str(cluster["home"]))
    runs_of_step = [w for s, w in _executions(instance) if s == step]
    assert runs_of_step[0] == worker and len(runs_of_step) == 2 and runs_of_step[1] != worker, runs_of_step

    warehouse = Path(cluster["env"]["ESCALATOR_WAREHOUSE"])
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        origins = [
            r[0] for r in conn.execute("select distinct origin_lsoa from derived.travel_times_sample").fetchall()
        ]
        first = [
            r[0] for r in conn.execute(f"select lsoa21cd from raw.lsoa21_lookup order by 1 limit {ORIGINS}").fetchall()
        ]
    assert sorted(origins) == first  # every origin of the sample once, the killed chunk's included
    # the same origins computed here, in this process, in one piece, on the network the run read
    network = load_network(str(warehouse), "embedded")
    in_process = compute_chunk(network, Chunk(0, 0, ORIGINS)).assign(network_version=network.version)
    celery = _matrix_bytes(warehouse, "derived.travel_times_sample")
    assert hashlib.sha256(celery).hexdigest() == hashlib.sha256(_frame_bytes(in_process)).hexdigest()
    assert len(in_process) > ORIGINS


@pytest.mark.parametrize("cluster", [1], indirect=True, ids=["one worker"])
def test_the_broker_stopping_mid_run_fails_the_run_naming_it_and_keeps_the_last_matrix(cluster):
    warehouse = Path(cluster["env"]["ESCALATOR_WAREHOUSE"])
    with duckdb.connect(str(warehouse)) as conn:  # a last good matrix, which the failed run must leave alone
        conn.execute("create schema derived")
        conn.execute("create table derived.travel_times as select 'E01000001' as origin_lsoa, 42.0 as p50_minutes")
    run = _start_run(cluster)
    _wait_for_step(cluster, run, "plan_travel_times")  # the run has queued its first task
    cluster["broker"].send_signal(signal.SIGKILL)
    out, _ = run.communicate(timeout=120)
    assert run.returncode == 1, out
    port = cluster["env"]["ESCALATOR_CELERY_BROKER"].rsplit(":", 1)[1].split("/")[0]
    assert f"Celery broker redis://127.0.0.1:{port}/0" in out and "stopped answering" in out, out
    assert _rows(warehouse, "select * from derived.travel_times") == [("E01000001", 42.0)]
    sample = "select 1 from information_schema.tables where table_name = 'travel_times_sample'"
    assert not _rows(warehouse, sample)  # the write step never ran
