"""What `escalator refresh` (and `make run`) shows: one line per finished step with a readable name and
"n/N" progress; everything else (dbt's full log, Dagster's warnings) goes to a log file under
DAGSTER_HOME/logs/ whose path the summary prints."""

import re
import sys
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import dagster as dg
from rich.console import Console

_LABELS = [
    (r"^raw__(\w+)$", "load raw.{0}"),
    (r"^derived__travel_times\.plan_travel_times$", "travel times: build the timetable"),
    (r"^derived__travel_times\.travel_time_chunk\[chunk_(\d+)\]$", "travel times: origins chunk {0}"),
    (r"^derived__travel_times\.write_travel_times$", "travel times: write derived.travel_times"),
    (r"^derived__(\w+)$", "compute derived.{0}"),
    # Dagster numbers the parts of a split multi-asset in no useful order: Progress numbers them as they run
    (r"^dbt_models(?:_\d+)?$", "dbt build"),
    (r"^gx_raw_feeds(?:_\d+)?$", "check raw feeds (great-expectations)"),
    (r"^gx_marts(?:_\d+)?$", "check marts (great-expectations)"),
    (r"^freshness_check_\w+$", "freshness check"),
    (r"^tracker_publication$", "publish the checked marts"),
    (r"^reports__html$", "write the reports and dbt docs"),
]


def step_label(step_key: str) -> str:
    """Readable name of a step: 'load raw.job_ads', 'dbt build, part 2', ... (unknown keys as they are)."""
    for pattern, label in _LABELS:
        m = re.match(pattern, step_key)
        if m:
            groups = [g if g is not None else "1" for g in m.groups()]
            if "chunk" in label:
                groups = [str(int(groups[0]) + 1)]
            return label.format(*groups)
    return step_key


def planned_steps(job: dg.JobDefinition, partition_key: str | None, dynamic_fanout: int | None = None) -> int:
    """Steps the run will execute; a dynamic step (travel-time chunks) counts as its default fan-out."""
    from dagster._core.execution.api import create_execution_plan

    from assets.transport.matrix import PlanConfig

    dynamic_fanout = dynamic_fanout or PlanConfig().chunks

    tags = {"dagster/partition": partition_key} if partition_key else {}
    keys = create_execution_plan(job, run_config={}, tags=tags).step_keys_to_execute
    return sum(dynamic_fanout if k.endswith("[?]") else 1 for k in keys)


class Progress:
    def __init__(self, total: int, stream=None):
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.parts: dict[str, int] = {}
        self.console = Console(file=stream or sys.stdout, highlight=False, soft_wrap=True)

    def hooks(self) -> set:
        progress = self

        @dg.success_hook(name="print_success")
        def _ok(context: dg.HookContext):
            progress.step(context.step_key, ok=True)

        @dg.failure_hook(name="print_failure")
        def _failed(context: dg.HookContext):
            progress.step(context.step_key, ok=False, error=context.op_exception)

        return {_ok, _failed}

    def step(self, step_key: str, ok: bool, error: BaseException | None = None) -> None:
        self.done += 1
        n = f"{self.done}/{max(self.total, self.done)}"
        elapsed = f"{time.monotonic() - self.started:5.0f}s"
        label = step_label(step_key)
        if label.startswith(("dbt build", "check ")):
            self.parts[label] = self.parts.get(label, 0) + 1
            label = f"{label}, part {self.parts[label]}"
        if ok:
            self.console.print(f"  {n:>7} {elapsed}  [green]done[/green]    {label}")
        else:
            why = f": {type(error).__name__}: {str(error).splitlines()[0][:160]}" if error else ""
            self.console.print(f"  {n:>7} {elapsed}  [bold red]FAILED[/bold red]  {label}{why}")


@contextmanager
def logs_to(path: Path):
    """Send stdout and stderr (dbt's log lines, Dagster's console logger) to a file for the run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f, redirect_stdout(f), redirect_stderr(f):
        yield f
