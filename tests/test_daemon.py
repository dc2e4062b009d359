"""The real daemon against a temporary DAGSTER_HOME: a file dropped into the job-ad folder launches
exactly one run (and a second sensor tick launches none); when the machine goes down mid-run (daemon, code
server and run worker killed), the daemon back up ends that run through run monitoring instead of leaving
it STARTED with the duckdb pool slot claimed for ever."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.dagster_run import FINISHED_STATUSES

ROOT = Path(__file__).resolve().parents[1]


def _runs(home: Path):
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        return instance.get_runs(filters=dg.RunsFilter(tags={"trigger": "file_drop"}))


def _ticks(home: Path) -> int:
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        states = [s for s in instance.all_instigator_state() if s.instigator_name == "jobads_dropzone_sensor"]
        return len(instance.get_ticks(states[0].instigator_origin_id, states[0].selector_id)) if states else 0


def _run(home: Path, run_id: str):
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        return instance.get_run_by_id(run_id)


def _messages(home: Path, run_id: str) -> list[str]:
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        return [event.message or "" for event in instance.all_logs(run_id)]


def _pool_holders(home: Path) -> list[str]:
    from orchestration.interrupted import pool_holders

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        return pool_holders(instance)


def test_daemon_launches_one_run_for_a_dropped_file_and_ends_it_after_the_machine_went_down(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    config = yaml.safe_load((ROOT / "orchestration" / "dagster.yaml").read_text())
    # checked every second here, and an ended run's slots freed a second later (shipped: 60 s)
    config["run_monitoring"].update(poll_interval_seconds=1, free_slots_after_run_end_seconds=1)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    # create the instance's SQLite storage here, once: the daemon and this test's polling would otherwise
    # race to stamp its schema version (alembic "more than one head")
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))):
        pass
    drop = tmp_path / "drop"
    drop.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ESCALATOR_DROPZONE": str(drop),
        "ESCALATOR_WAREHOUSE": str(tmp_path / "w" / "escalator.duckdb"),
        "ESCALATOR_PUBLISHED_DIR": str(tmp_path / "published"),
        "ESCALATOR_REPORTS_DIR": str(tmp_path / "r"),
        "ESCALATOR_DROPZONE_POLL_SECONDS": "5",  # the second tick below comes 5 s after the first, not 60
    }
    daemon = _start_daemon(env)
    try:
        source = ROOT / "data/embedded/jobads/nottinghamshire_public_sector_jobs_2026-08-26.csv"
        shutil.copyfile(source, drop / "portal_export_2026-08-27.csv")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not _runs(home):
            time.sleep(3)
        runs = _runs(home)
        assert len(runs) == 1, "the sensor should launch one run for the new file"
        assert runs[0].tags.get("dagster/partition") == "2026-08-27" and runs[0].job_name == "daily_refresh"
        run_id = runs[0].run_id
        ticks = _ticks(home)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _ticks(home) <= ticks:
            time.sleep(3)
        assert _ticks(home) > ticks, "the sensor should tick again"
        assert len(_runs(home)) == 1, "a file already seen must not launch another run"

        # the machine goes down mid-run: daemon, code server and run worker all killed, nothing recorded.
        # Generous waits: the run worker imports the code before its first step, slowly when the other test
        # worker keeps both cores busy (a deadline only costs time when the test fails)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not any(run_id[:8] in held for held in _pool_holders(home)):
            time.sleep(1)
        assert _run(home, run_id).status == dg.DagsterRunStatus.STARTED
        assert any(run_id[:8] in held for held in _pool_holders(home)), "the run should be in a duckdb step"
        _stop(daemon, signal.SIGKILL)
        assert _run(home, run_id).status == dg.DagsterRunStatus.STARTED  # left behind, holding its slot
        # back up, with the time limit (shipped: 3 hours) already passed: run monitoring ends the run
        config["run_monitoring"]["max_runtime_seconds"] = 1
        (home / "dagster.yaml").write_text(yaml.safe_dump(config))
        daemon = _start_daemon(env)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and _run(home, run_id).status not in FINISHED_STATUSES:
            time.sleep(2)
        # failed (it may then be retried as a new run) when terminating the dead worker fails, else cancelled
        assert _run(home, run_id).status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
        assert any("exceeding maximum runtime" in message for message in _messages(home, run_id))
        deadline = time.monotonic() + 90  # an ended run's slots are freed free_slots_after_run_end_seconds later
        while time.monotonic() < deadline and any(run_id[:8] in held for held in _pool_holders(home)):
            time.sleep(1)
        assert not any(run_id[:8] in held for held in _pool_holders(home)), "its duckdb pool slot should be free"
    finally:
        _stop(daemon, signal.SIGTERM, grace=5)  # cleanup only: a daemon slow to stop is killed after 5 s


def _start_daemon(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: the daemon, its code server and any run worker
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(daemon: subprocess.Popen, sig: int, grace: float = 30) -> None:
    try:
        os.killpg(daemon.pid, sig)
        daemon.wait(timeout=grace)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
