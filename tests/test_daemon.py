"""The real daemon against a temporary DAGSTER_HOME: a file dropped into the job-ad folder launches
exactly one run (and a second sensor tick launches none)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from dagster._core.instance.ref import InstanceRef

ROOT = Path(__file__).resolve().parents[1]


def _runs(home: Path):
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        return instance.get_runs(filters=dg.RunsFilter(tags={"trigger": "file_drop"}))


def _ticks(home: Path) -> int:
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        states = [s for s in instance.all_instigator_state() if s.instigator_name == "jobads_dropzone_sensor"]
        return len(instance.get_ticks(states[0].instigator_origin_id, states[0].selector_id)) if states else 0


def test_daemon_launches_one_run_for_a_dropped_file(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
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
    exe = os.path.join(os.path.dirname(sys.executable), "dagster-daemon")
    daemon = subprocess.Popen(
        [exe, "run", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        source = ROOT / "data/embedded/jobads/nottinghamshire_public_sector_jobs_2026-08-26.csv"
        shutil.copyfile(source, drop / "portal_export_2026-08-27.csv")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not _runs(home):
            time.sleep(3)
        runs = _runs(home)
        assert len(runs) == 1, "the sensor should launch one run for the new file"
        assert runs[0].tags.get("dagster/partition") == "2026-08-27" and runs[0].job_name == "daily_refresh"
        ticks = _ticks(home)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _ticks(home) <= ticks:
            time.sleep(3)
        assert _ticks(home) > ticks, "the sensor should tick again"
        assert len(_runs(home)) == 1, "a file already seen must not launch another run"
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)  # the daemon and any run worker it started
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
