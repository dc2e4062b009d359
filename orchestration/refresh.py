"""Run a job in-process against the persistent Dagster instance, showing progress as steps finish."""

import sys
import time
from pathlib import Path

import dagster as dg
from kombu.utils.url import maybe_sanitize_url

from orchestration.interrupted import (
    free_slots_of_ended_runs,
    pool_holders,
    reap_interrupted_runs,
    terminal_run_tags,
    wait_for_warehouse,
)
from orchestration.progress import Progress, logs_to, planned_steps
from orchestration.refresh_lock import refresh_lock
from orchestration.settings import Settings

_LOG_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# jobs whose travel-time step takes a plan config (origin chunks, an origin limit for smoke runs)
MATRIX_JOBS = ("daily_refresh", "transport_refresh", "travel_time_matrix")


def plan_config(chunks: int | None = None, origin_limit: int = 0) -> dict:
    """Run config for the travel-time step's plan op: chunks (default: the op's) and, for a smoke run, the
    first N origins only, written to derived.travel_times_sample (the matrix is left as it was)."""
    config = {"origin_limit": origin_limit, **({"chunks": chunks} if chunks else {})}
    return {"ops": {"derived__travel_times": {"ops": {"plan_travel_times": {"config": config}}}}}


def _refresh_config(origin_limit: int) -> dict:
    """A refresh's run config: quiet console, and the smoke run's origin limit when one is asked for."""
    return {**_LOG_CONFIG, **(plan_config(origin_limit=origin_limit) if origin_limit else {})}


def default_partition(settings: Settings) -> str:
    """Today when a live job-ad feed is on or files were dropped today; else the embedded snapshot's day."""
    from assets.jobads.assets import EMBEDDED_SEEN_DATE, drop_files_for, today_london

    today = today_london()
    if settings.source("adzuna").live or drop_files_for(today, settings.dropzone_dir):
        return today
    return EMBEDDED_SEEN_DATE


def recover(instance: dg.DagsterInstance, warehouse: Path) -> None:
    """Before a run: clear what a killed refresh left, and say if another run holds the warehouse pool."""
    wait_for_warehouse(warehouse)
    for line in reap_interrupted_runs(instance) + free_slots_of_ended_runs(instance):
        print(f"  recovered: {line}", flush=True)
    holders = pool_holders(instance)
    if holders:
        print(f"  waiting: {', '.join(holders)} holds the warehouse (the duckdb pool) until it ends", flush=True)


def run_refresh(
    settings: Settings, job_name: str = "daily_refresh", partition_key: str | None = None, origin_limit: int = 0
) -> int:
    from orchestration.definitions import defs

    if job_name in ("daily_refresh", "jobads_refresh") and partition_key is None:
        partition_key = default_partition(settings)

    started = time.monotonic()
    base = defs.resolve_job_def(job_name)
    progress = Progress(planned_steps(base, partition_key), stream=sys.stdout)
    job = base.with_hooks(progress.hooks())
    log_path = settings.dagster_home / "logs" / f"{job_name}-{time.strftime('%Y%m%dT%H%M%S')}.log"
    print(
        f"Running {job_name} on {settings.warehouse_path}"
        + (f" (job-ad day {partition_key})" if partition_key else "")
        + f": {progress.total} steps; full log in {log_path}",
        flush=True,
    )
    with refresh_lock(settings.warehouse_path), dg.DagsterInstance.get() as instance:
        recover(instance, settings.warehouse_path)
        with logs_to(log_path):
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config=_refresh_config(origin_limit),
                partition_key=partition_key,
                tags=terminal_run_tags(),
            )
    failed_checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    elapsed = time.monotonic() - started
    print(f"\n{job_name}: {'succeeded' if result.success else 'FAILED'} in {elapsed:.0f}s (run {result.run_id})")
    for check in failed_checks:
        print(f"  check failed: {check.asset_key.to_user_string()} {check.check_name}")
        for line in failure_lines(check.metadata):
            print(f"    {line}")
    print(f"Warehouse: {settings.warehouse_path}")
    print(f"Published: {settings.published_dir}")
    print(f"Reports:   {settings.reports_dir}")
    print(f"Full log:  {log_path}")
    return 0 if result.success else 1


CELERY_REFRESH_JOBS = ("daily_refresh", "transport_refresh")


def run_refresh_on_celery(
    settings: Settings, job_name: str, partition_key: str | None = None, origin_limit: int = 0
) -> int:
    """The refresh with every step a Celery task: the warehouse steps on the one warehouse worker, the
    travel-time chunks spread over the chunk workers (`escalator celery-workers`)."""
    from orchestration import definitions

    if job_name == "daily_refresh" and partition_key is None:
        partition_key = default_partition(settings)
    job = {"daily_refresh": definitions.daily_refresh_celery, "transport_refresh": definitions.transport_refresh_celery}
    tags = {**terminal_run_tags(), **({"dagster/partition": partition_key} if partition_key else {})}
    started = time.monotonic()
    print(f"Running {job_name} on Celery workers ({maybe_sanitize_url(settings.celery.broker)})", flush=True)
    with refresh_lock(settings.warehouse_path), dg.DagsterInstance.get() as instance:
        recover(instance, settings.warehouse_path)
        result = dg.execute_job(
            dg.reconstructable(job[job_name]),
            instance=instance,
            run_config=_refresh_config(origin_limit),
            raise_on_error=False,
            tags=tags,
        )
        ok = result.success
        if not ok:
            for line in run_failure_lines(instance, result.run_id):
                print(f"  {line}", file=sys.stderr)
    print(f"{job_name}: {'succeeded' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s (run {result.run_id})")
    return 0 if ok else 1


def failure_lines(metadata: dict, samples: int = 1) -> list[str]:
    """What an operator needs from a failed great-expectations check without opening the UI: each failed
    expectation with its column, the bounds it was given, what was observed and a sample row."""
    failures = metadata.get("failures")
    failures = getattr(failures, "value", failures) or []
    if not failures and "error" in metadata:
        return [str(getattr(metadata["error"], "value", metadata["error"]))]
    lines = []
    for f in failures:
        bounds = {k: v for k, v in (f.get("kwargs") or {}).items() if k not in ("column", "column_list")}
        text = f"{f['expectation']}" + (f" on {f['column']}" if f.get("column") else "")
        text += f" {bounds}" if bounds else ""
        if f.get("observed") is not None:
            text += f": observed {f['observed']}"
        if f.get("unexpected_count"):
            text += f": {f['unexpected_count']} unexpected value(s), e.g. {f.get('sample_values', [])[:3]}"
        lines.append(text)
        lines += [f"  sample row: {row}" for row in (f.get("sample_rows") or [])[:samples]]
    return lines


def run_failure_lines(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """Why a run that executed outside this process failed: each failed step's error and the run's."""
    lines = []
    for record in instance.get_records_for_run(run_id).records:
        event = record.event_log_entry.dagster_event
        if event is None or event.event_type_value not in ("STEP_FAILURE", "RUN_FAILURE"):
            continue
        error = getattr(event.event_specific_data, "error", None)
        while error is not None and error.cause is not None:  # the original exception, not the wrapper
            error = error.cause
        text = error.message.strip() if error is not None else (event.message or "")
        lines.append(f"{event.step_key or 'run'}: {text}")
    return lines


def run_travel_time_matrix(
    settings: Settings, chunks: int, processes: int, executor: str = "multiprocess", origin_limit: int = 0
) -> int:
    """The matrix job: each origin chunk in its own process (multiprocess), or each step a Celery task
    taken by whichever worker is free (celery: broker and workers must be running)."""
    from orchestration import definitions

    run_config = {**plan_config(chunks, origin_limit), **_LOG_CONFIG}
    if executor == "celery":
        job = definitions.travel_time_matrix_celery
        where = f"Celery workers on {maybe_sanitize_url(settings.celery.broker)}"
    else:
        job = definitions.travel_time_matrix_job
        run_config["execution"] = {
            "config": {
                "max_concurrent": processes,
                "start_method": {"forkserver": {"preload_modules": ["orchestration.matrix_preload"]}},
            }
        }
        where = f"up to {processes} process(es)"
    started = time.monotonic()
    print(f"Running travel_time_matrix: {chunks} chunk(s) on {where}", flush=True)
    with refresh_lock(settings.warehouse_path), dg.DagsterInstance.get() as instance:
        recover(instance, settings.warehouse_path)
        result = dg.execute_job(
            dg.reconstructable(job),
            instance=instance,
            run_config=run_config,
            raise_on_error=False,
            tags=terminal_run_tags(),
        )
        ok = result.success
        if not ok:
            for line in run_failure_lines(instance, result.run_id):
                print(f"  {line}", file=sys.stderr)
    print(
        f"travel_time_matrix: {'succeeded' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s "
        f"(run {result.run_id})"
    )
    return 0 if ok else 1
