"""`escalator`: the platform from a terminal, for people who work outside the Dagster UI."""

import argparse
import subprocess
import sys
from pathlib import Path

from orchestration.cli_types import iso_day, port, positive_int
from orchestration.dagster_home import prepare_dagster_home
from orchestration.settings import PROJECT_ROOT, load_settings


def cmd_refresh(args: argparse.Namespace) -> int:
    from orchestration.refresh import MATRIX_JOBS, run_refresh

    settings = load_settings()
    prepare_dagster_home(settings)
    limit = args.origin_limit or 0
    if limit and args.job not in MATRIX_JOBS:
        print(f"--origin-limit needs a job with the travel-time step ({', '.join(MATRIX_JOBS)})", file=sys.stderr)
        return 2
    executor = args.executor or settings.refresh_executor
    if executor == "celery":
        from orchestration.refresh import CELERY_REFRESH_JOBS, run_refresh_on_celery

        if args.job not in CELERY_REFRESH_JOBS:
            print(f"--executor celery runs {' or '.join(CELERY_REFRESH_JOBS)}, not {args.job}", file=sys.stderr)
            return 2
        return run_refresh_on_celery(settings, args.job, args.day, origin_limit=limit)
    return run_refresh(settings, job_name=args.job, partition_key=args.day, origin_limit=limit)


def cmd_dev(args: argparse.Namespace) -> int:
    settings = load_settings()
    prepare_dagster_home(settings)
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "-h", args.host, "-p", str(args.port)]
    print(f"Dagster UI on http://{args.host}:{args.port} (DAGSTER_HOME={settings.dagster_home})", flush=True)
    return subprocess.call(cmd, cwd=PROJECT_ROOT)


JOB_NAMES = (
    "daily_refresh",
    "validate_and_publish",
    "transport_refresh",
    "jobads_refresh",
    "jobads_day",
    "travel_time_matrix",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="escalator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("refresh", help="materialize everything (the daily refresh) with progress")
    p.add_argument("--job", default="daily_refresh", choices=JOB_NAMES, help="job to run (default: daily_refresh)")
    p.add_argument(
        "--day",
        default=None,
        type=iso_day,
        help="job-ad day (YYYY-MM-DD) to refresh; default: today when a "
        "live feed or today's file drop exists, else the embedded snapshot's day",
    )
    p.add_argument(
        "--executor",
        choices=("in_process", "celery"),
        default=None,
        help="in_process (default; the settings' refresh_executor) or celery: every step a Celery task, the "
        "travel-time chunks on the chunk workers (broker and workers must be running)",
    )
    p.add_argument(
        "--origin-limit",
        type=positive_int,
        default=None,
        help="smoke run (a new cluster, a new feed): the travel-time step routes only the first N origins, into "
        "derived.travel_times_sample; the matrix, and the marts built on it, stay as they were",
    )
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("dev", help="open the Dagster UI (webserver + daemon) on 127.0.0.1")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=3000)
    p.set_defaults(func=cmd_dev)

    from orchestration import commands  # the read-only and maintenance subcommands

    commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from orchestration.interrupted import WarehouseBusy
    from orchestration.refresh_lock import RefreshRunning
    from orchestration.settings import ConfigError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (RefreshRunning, WarehouseBusy) as exc:  # not an error in the data: say so in one line, exit 3
        print(f"escalator: {exc}", file=sys.stderr)
        return 3
    except ConfigError as exc:  # a configuration the operator named cannot be used
        print(f"escalator: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
