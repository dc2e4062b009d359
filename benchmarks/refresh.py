"""The whole embedded daily refresh, step by step: wall time per step and peak memory.

Runs in a throw-away warehouse and DAGSTER_HOME (first run: every table built from nothing), in-process
as `make run` does. Target: under 3 minutes on 2 cores after installation."""

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="escalator-bench-"))
    os.environ.update(
        {
            "ESCALATOR_WAREHOUSE": str(tmp / "w" / "escalator.duckdb"),
            "ESCALATOR_PUBLISHED_DIR": str(tmp / "published"),
            "ESCALATOR_REPORTS_DIR": str(tmp / "r"),
            "DAGSTER_HOME": str(tmp / "home"),
            "DO_NOT_TRACK": "1",
        }
    )
    (tmp / "home").mkdir()
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", tmp / "home" / "dagster.yaml")
    started = time.perf_counter()
    import dagster as dg

    from assets.jobads.assets import EMBEDDED_SEEN_DATE
    from orchestration.definitions import defs

    imported = time.perf_counter() - started
    t0 = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("daily_refresh").execute_in_process(
            instance=instance,
            raise_on_error=False,
            partition_key=EMBEDDED_SEEN_DATE,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
    wall = time.perf_counter() - t0
    steps = {}
    for e in result.all_events:
        if e.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            steps[e.step_key] = e.event_specific_data.duration_ms / 1000 if e.event_type_value == "STEP_SUCCESS" else -1
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\nEmbedded daily refresh ({'succeeded' if result.success else 'FAILED'}): {wall:.1f} s wall "
        f"(+{imported:.1f} s to import the code location); target < 180 s"
    )
    print(f"{'step':<34}{'seconds':>9}")
    for step, secs in sorted(steps.items(), key=lambda x: -x[1]):
        print(f"{step:<34}{secs:>9.1f}")
    print(
        f"Peak memory: this process {own:,.0f} MB RSS; largest child process (dbt) {children:,.0f} MB RSS. "
        f"CPU count {os.cpu_count()}."
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
