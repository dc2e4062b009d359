"""The travel-time matrix on Celery, for real: Debian's redis-server on 127.0.0.1 as the broker, two worker
processes (`celery -A orchestration.celery_app worker`), the `escalator travel-times --executor celery`
command as an operator runs it, on a copy of the session's refreshed site. A worker is SIGKILLed while it
holds a chunk; the broker is stopped mid-run. Both are the faults a cluster meets."""

import hashlib
import os
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

from orchestration.celery_cluster import local_cluster, redis_server
from tests.site_copy import copy_site

pytestmark = pytest.mark.skipif(
    redis_server() is None,
    reason="redis-server is not installed, so the Celery matrix cannot run here: `make test` installs "
    "Debian's redis-server when run as root (apt-get install redis-server)",
)

ORIGINS, CHUNKS = 600, 4  # ~4 s per chunk here: long enough to be killed mid-chunk, short beside the timeout
VISIBILITY_TIMEOUT = 15  # seconds before a dead worker's chunk is handed to another
COLUMNS = ["origin_lsoa", "destination_lsoa", "window", "p50_minutes", "p80_minutes", "network_version"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(refreshed, tmp_path_factory) -> Path:
    """A copy of the refreshed site (warehouse, timetable versions, publication)."""
    root = tmp_path_factory.mktemp("celery_site")
    copy_site(
        Path(os.environ["ESCALATOR_WAREHOUSE"]),
        Path(os.environ["ESCALATOR_PUBLISHED_DIR"]),
        root / "warehouse.duckdb",
        root / "published",
    )
    return root


@pytest.fixture()
def cluster(site, tmp_path):
    """A broker on a free port and two workers for one test, with a Dagster instance and exchange folder
    of its own (shared by the run and the workers): the environment every process of the cluster gets."""
    port = _free_port()
    env = {
        **os.environ,
        "ESCALATOR_WAREHOUSE": str(site / "warehouse.duckdb"),
        "ESCALATOR_PUBLISHED_DIR": str(site / "published"),
        "ESCALATOR_REPORTS_DIR": str(site / "reports"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "ESCALATOR_EXCHANGE_DIR": str(tmp_path / "exchange"),
        "ESCALATOR_CELERY_BROKER": f"redis://127.0.0.1:{port}/0",
        "ESCALATOR_CELERY_BACKEND": f"redis://127.0.0.1:{port}/1",
        "ESCALATOR_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with local_cluster(2, tmp_path / "cluster", port=port, env=env) as (broker, workers):
        yield {"site": site, "home": tmp_path / "dagster_home", "env": env, "broker": broker, "workers": workers}


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


def _wait_for_chunk(cluster, run: subprocess.Popen, timeout: float = 90) -> tuple[str, str]:
    """The first chunk a worker starts, and that worker's name."""
    instance = dg.DagsterInstance.from_config(str(cluster["home"]))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        started = [(s, w) for s, w in _executions(instance) if "travel_time_chunk" in s]
        if started:
            return started[0]
        time.sleep(0.1)
    raise AssertionError(f"no chunk started within {timeout} s: {run.communicate()[0] if run.poll() else ''}")


def _matrix_bytes(warehouse: Path, table: str, origins: list[str] | None = None) -> bytes:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        frame = conn.execute(f"select {', '.join(map(repr, COLUMNS)).replace(chr(39), chr(34))} from {table}").df()
    if origins is not None:
        frame = frame[frame.origin_lsoa.isin(origins)]
    frame = frame.sort_values(COLUMNS[:3]).reset_index(drop=True)
    return frame.to_csv(index=False, float_format="%.17g").encode()


def test_a_worker_killed_mid_chunk_loses_nothing_and_the_matrix_matches_the_in_process_run(cluster):
    run = _start_run(cluster)
    step, worker = _wait_for_chunk(cluster, run)
    victim = next(proc for proc, log in cluster["workers"] if log.name == f"worker-{worker.split('@')[0]}.log")
    victim.send_signal(signal.SIGKILL)  # mid-chunk: it ran ~4 s, the kill comes within 0.1 s of its start
    out, _ = run.communicate(timeout=VISIBILITY_TIMEOUT + 120)
    assert run.returncode == 0, out
    instance = dg.DagsterInstance.from_config(str(cluster["home"]))
    runs_of_step = [w for s, w in _executions(instance) if s == step]
    assert runs_of_step[0] == worker and len(runs_of_step) == 2 and runs_of_step[1] != worker, runs_of_step

    warehouse = cluster["site"] / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        origins = [
            r[0] for r in conn.execute("select distinct origin_lsoa from derived.travel_times_sample").fetchall()
        ]
        first = [
            r[0] for r in conn.execute(f"select lsoa21cd from raw.lsoa21_lookup order by 1 limit {ORIGINS}").fetchall()
        ]
    assert sorted(origins) == first  # every origin of the sample once, the killed chunk's included
    celery = _matrix_bytes(warehouse, "derived.travel_times_sample")
    # the session's daily refresh computed the whole matrix in-process on the same network
    in_process = _matrix_bytes(Path(os.environ["ESCALATOR_WAREHOUSE"]), "derived.travel_times", origins)
    assert hashlib.sha256(celery).hexdigest() == hashlib.sha256(in_process).hexdigest()
    assert len(pd.read_csv(pd.io.common.BytesIO(celery))) > ORIGINS


def test_the_broker_stopping_mid_run_fails_the_run_naming_it_and_keeps_the_last_matrix(cluster):
    warehouse = cluster["site"] / "warehouse.duckdb"
    published = cluster["site"] / "published"
    matrix_before = _matrix_bytes(warehouse, "derived.travel_times")
    publication_before = {p.name: p.read_bytes() for p in sorted(published.resolve().iterdir())}
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("drop table if exists derived.travel_times_sample")
    run = _start_run(cluster)
    _wait_for_chunk(cluster, run)
    cluster["broker"].send_signal(signal.SIGKILL)
    out, _ = run.communicate(timeout=120)
    assert run.returncode == 1, out
    port = cluster["env"]["ESCALATOR_CELERY_BROKER"].rsplit(":", 1)[1].split("/")[0]
    assert f"Celery broker redis://127.0.0.1:{port}/0" in out and "stopped answering" in out, out
    assert _matrix_bytes(warehouse, "derived.travel_times") == matrix_before
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert not conn.execute(
            "select 1 from information_schema.tables where table_schema = 'derived' and table_name = "
            "'travel_times_sample'"
        ).fetchall()  # the write step never ran
    assert {p.name: p.read_bytes() for p in sorted(published.resolve().iterdir())} == publication_before
