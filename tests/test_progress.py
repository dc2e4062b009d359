"""What `make run` prints: one line per step with a readable name and n/N, no colour codes in a log."""

import io
import re

from orchestration.progress import Progress, planned_steps, step_label


def test_every_step_of_the_daily_refresh_has_a_readable_name():
    from dagster._core.execution.api import create_execution_plan

    from orchestration.definitions import defs

    job = defs.resolve_job_def("daily_refresh")
    keys = create_execution_plan(job, run_config={}, tags={"dagster/partition": "2026-08-26"}).step_keys_to_execute
    unnamed = [k for k in keys if step_label(k.replace("[?]", "[chunk_00]")) == k.replace("[?]", "[chunk_00]")]
    assert unnamed == []
    from assets.transport.matrix import PlanConfig

    assert planned_steps(job, "2026-08-26") == len(keys) - 1 + PlanConfig().chunks  # chunk step: its fan-out


def test_progress_lines_count_up_and_carry_no_colour_codes_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress(total=3, stream=out)
    progress.step("raw__job_ads", ok=True)
    progress.step("dbt_models_4", ok=True)
    progress.step("gx_marts_2", ok=False, error=RuntimeError("value out of range\ntraceback detail"))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and "\x1b[" not in out.getvalue()
    assert re.match(r"^\s+1/3\s+\d+s\s+done\s+load raw\.job_ads$", lines[0])
    assert lines[1].endswith("dbt build, part 1")
    assert (
        "FAILED" in lines[2]
        and "check marts (great-expectations), part 1: RuntimeError: value out of range" in lines[2]
    )
    assert "traceback detail" not in out.getvalue()  # one line per step; the detail is in the log file
