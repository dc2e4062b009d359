"""Runs a killed refresh left behind. A refresh killed with SIGKILL (the OOM killer, `kill -9`, a host
reboot) never records its end: Dagster keeps the run STARTED and its `duckdb` pool slot claimed, and every
later run waits for that slot for ever. Each terminal refresh tags its run with the process that ran it;
the next one (holding the refresh lock, so no other terminal refresh is alive) marks the runs whose
process is gone as failed, saying why, and frees their slots."""

import os
import re
import socket
import time
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES, RunsFilter


class WarehouseBusy(RuntimeError):
    pass


PROCESS_TAG = "escalator/process"  # host:pid:start-time, so a reused pid is not taken for the run


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux); '' where /proc is absent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_tag(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def terminal_run_tags() -> dict[str, str]:
    """Tags of a run `escalator` executes in its own process: the process (for recover below), and no
    run-monitoring time limit - that limit (dagster.yaml) is for runs the daemon launched, whose dead worker
    the default launcher cannot see; it would cancel a long terminal refresh that is still working."""
    return {PROCESS_TAG: process_tag(), "dagster/max_runtime_seconds": "0"}


def _alive(tag: str) -> bool:
    host, pid, started = (tag.split(":") + ["", ""])[:3]
    if host != socket.gethostname():
        return True  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return not started or _start_time(int(pid)) == started


def reap_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark runs started by a terminal refresh whose process has gone as failed and free their pool slots.
    Returns one line per run, for the operator."""
    lines = []
    for run in instance.get_runs(RunsFilter(statuses=NOT_FINISHED_STATUSES)):
        tag = run.tags.get(PROCESS_TAG)
        if not tag or _alive(tag):
            continue
        pid = tag.split(":")[1]
        instance.report_run_failed(
            run, f"Interrupted: process {pid} ended without finishing the run (killed or crashed)."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        lines.append(f"run {run.run_id[:8]} ({run.job_name}, pid {pid}) was interrupted: marked failed, pool freed")
    return lines


def free_slots_of_ended_runs(instance: dg.DagsterInstance, pool: str = "duckdb") -> list[str]:
    """Free `pool` slots still claimed by runs that have ended: a Celery run failed by a lost broker ends
    while its step's slot is claimed, and without the daemon's run monitoring nothing else frees it."""
    try:
        info = instance.event_log_storage.get_concurrency_info(pool)
    except Exception:  # storage without pools
        return []
    lines = []
    for run_id in sorted({slot.run_id for slot in info.claimed_slots if slot.run_id}):
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            lines.append(f"run {run_id[:8]} had ended holding the {pool} pool: freed")
    return lines


def pool_holders(instance: dg.DagsterInstance, pool: str = "duckdb") -> list[str]:
    """Other runs holding `pool` now (a refresh would wait for them): 'run abc12345 (job, STATUS)'."""
    try:
        info = instance.event_log_storage.get_concurrency_info(pool)
    except Exception:  # storage without pools: nothing can be held
        return []
    out = []
    for run_id in sorted({slot.run_id for slot in info.claimed_slots if slot.run_id}):
        run = instance.get_run_by_id(run_id)
        out.append(f"run {run_id[:8]} ({run.job_name if run else '?'}, {run.status.value if run else 'unknown'})")
    return out


def wait_for_warehouse(path: Path, timeout: float = 120.0, say=print) -> None:
    """Wait while another process holds DuckDB's write lock (a dbt build orphaned by a killed refresh
    runs on for a few seconds until its output pipe breaks); fail naming the process after `timeout`."""
    import duckdb

    if not Path(path).exists():
        return
    deadline, said = time.monotonic() + timeout, False
    while True:
        try:
            duckdb.connect(str(path)).close()
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            holder = re.search(r"held in (.+?)(?:\. See|$)", str(exc))
            who = holder.group(1) if holder else "another process"
            if time.monotonic() > deadline:
                raise WarehouseBusy(f"{path} is still locked by {who} after {timeout:.0f} s") from None
            if not said:
                say(f"  waiting: {who} holds the warehouse's write lock", flush=True)
                said = True
            time.sleep(1)
