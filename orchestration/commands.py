"""Subcommands of `escalator` beyond refresh/dev: verify, indicators, code-titles, pathways, report, backfill, travel-times."""

import argparse
import sys

import duckdb

from assets.platform.geography import EMCCA_CODE, NAMES
from assets.platform.warehouse import table_exists
from orchestration.cli_types import iso_day, positive_int
from orchestration.settings import load_settings
from reports.terminal import indicators_report, pathways_report


def _connect() -> duckdb.DuckDBPyConnection:
    path = load_settings().warehouse_path
    if not path.exists():
        sys.exit(f"No warehouse at {path}: run `escalator refresh` (or `make run`) first.")
    return duckdb.connect(str(path), read_only=True)


def _table(conn, schema_table: str) -> str:
    """The published (checked) copy: the CLI reads what the tracker and BI tools read, nothing below it."""
    table = f"published.{schema_table.split('.')[1]}"
    if not table_exists(conn, table):
        sys.exit(f"No {table} yet: the first publication has not happened (run `escalator refresh`).")
    return table


def cmd_indicators(args: argparse.Namespace) -> int:
    conn = _connect()
    _table(conn, "marts.fct_plan_indicators")  # a clear message before the first publication
    try:
        print(indicators_report(conn, args.geography))
    except LookupError as exc:
        print(f"{exc}; known: " + ", ".join(f"{c} {n}" for c, n in NAMES.items()), file=sys.stderr)
        return 2
    return 0


CONTEXT_COLUMNS = ("description", "employer", "category")


def read_titles(lines: list[str]) -> list[dict]:
    """One title per line, or a CSV whose header has a `title` column and optionally description, employer
    and category (the advert's context, read the way an ONS coder reads the industry)."""
    import csv

    rows = [line for line in lines if line.strip()]
    if not rows:
        return []
    header = [h.strip().lower() for h in next(csv.reader([rows[0]]))]
    if "title" not in header:
        return [{"title": line.strip()} for line in rows]
    records = csv.DictReader(rows, fieldnames=header)
    next(records)
    return [{k: (r.get(k) or "").strip() for k in ("title", *CONTEXT_COLUMNS)} for r in records]


def cmd_code_titles(args: argparse.Namespace) -> int:
    import csv

    from assets.jobads.soc_coder import SocCoder

    if args.file and args.file != "-":
        try:
            with open(args.file, encoding="utf-8-sig") as f:
                lines = f.read().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(
                f"escalator code-titles: cannot read {args.file}: {exc.strerror if isinstance(exc, OSError) else exc}",
                file=sys.stderr,
            )
            return 2
    else:
        lines = sys.stdin.read().splitlines()
    settings = load_settings()
    coder = SocCoder.from_files(
        settings.embedded_dir / "soc/soc2020_coding_index.csv", settings.embedded_dir / "soc/soc2020_unit_groups.csv"
    )
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["title", "soc2020", "soc2020_title", "confidence", "method", "needs_review"])
    for rec in read_titles(lines):
        if not rec["title"]:
            continue
        r = coder.code(
            rec["title"],
            employer=rec.get("employer", ""),
            category=rec.get("category", ""),
            description=rec.get("description", ""),
        )
        writer.writerow(
            [
                rec["title"],
                r.soc2020 or "",
                r.soc2020_title or "",
                f"{r.confidence:.3f}",
                r.method,
                str(r.needs_review).lower(),
            ]
        )
    return 0


def resolve_occupation(conn, query: str) -> tuple[str, str, str]:
    """A SOC 2020 code or a job title -> (code, title, how it was resolved)."""
    q = query.strip()
    if q.isdigit() and len(q) == 4:
        row = conn.execute(
            "select soc2020, soc2020_title from published.dim_occupation where soc2020 = ?", [q]
        ).fetchone()
        if row is None:
            raise LookupError(f"{q} is not a SOC 2020 unit group")
        return row[0], row[1], "SOC code"
    from assets.jobads.soc_coder import SocCoder

    settings = load_settings()
    coder = SocCoder.from_files(
        settings.embedded_dir / "soc/soc2020_coding_index.csv", settings.embedded_dir / "soc/soc2020_unit_groups.csv"
    )
    coded = coder.code(q)
    if coded.soc2020 is None:
        raise LookupError(f"could not code {q!r} to SOC 2020 ({coded.method}); try a SOC code")
    return coded.soc2020, coded.soc2020_title, f"coded ({coded.method}, confidence {coded.confidence:.2f})"


def cmd_pathways(args: argparse.Namespace) -> int:
    conn = _connect()
    _table(conn, "marts.fct_escalator_transitions")
    try:
        soc, title, how = resolve_occupation(conn, args.occupation)
    except LookupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(pathways_report(conn, args.occupation, soc, title, how, args.top))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reports.build import build_reports

    settings = load_settings()
    path = settings.warehouse_path
    if not path.exists():
        sys.exit(f"No warehouse at {path}: run `escalator refresh` (or `make run`) first.")
    with duckdb.connect(str(path)) as conn:
        pages = build_reports(conn, Path(settings.reports_dir), settings.contact_email)
    for page in pages:
        print(page)
    index = Path(settings.reports_dir) / "index.html"
    print(f"\nOpen {index.resolve().as_uri()}")
    if args.open:
        import webbrowser

        webbrowser.open(index.resolve().as_uri())
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    """Reload job-ad days one partition at a time, then rebuild, check and publish once."""
    from datetime import date, timedelta

    from orchestration.refresh import run_refresh

    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    if end < start:
        print("--to is before --from", file=sys.stderr)
        return 2
    settings = load_settings()
    from orchestration.dagster_home import prepare_dagster_home

    prepare_dagster_home(settings)
    day = start
    while day <= end:
        if run_refresh(settings, "jobads_day", day.isoformat()) != 0:
            print(f"backfill stopped at {day}: earlier days are loaded, later ones untouched", file=sys.stderr)
            return 1
        day += timedelta(days=1)
    return run_refresh(settings, "daily_refresh", end.isoformat())


def cmd_travel_times(args: argparse.Namespace) -> int:
    """Recompute the travel-time matrix with its origin chunks in parallel processes or on Celery."""
    import os

    from orchestration.dagster_home import prepare_dagster_home
    from orchestration.refresh import run_travel_time_matrix

    settings = load_settings()
    prepare_dagster_home(settings)
    processes = args.processes or os.cpu_count() or 1
    return run_travel_time_matrix(settings, args.chunks, processes, args.executor, args.origin_limit or 0)


def cmd_broker(args: argparse.Namespace) -> int:
    """Run the settings' Celery broker (redis-server) on 127.0.0.1 until interrupted."""
    from orchestration.celery_cluster import ClusterError, broker_address, start_broker, stop

    settings = load_settings()
    host, port = broker_address(settings.celery.broker)
    if host not in ("127.0.0.1", "localhost"):
        print(f"the broker {host}:{port} is not on this machine: start it there", file=sys.stderr)
        return 2
    try:
        proc = start_broker(port, settings.dagster_home / "broker")
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Celery broker (redis-server) on 127.0.0.1:{port}; Ctrl-C stops it", flush=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        stop(proc)
        return 0


def cmd_celery_workers(args: argparse.Namespace) -> int:
    """Start N matrix workers on the settings' broker and wait; Ctrl-C stops them."""
    from kombu.utils.url import maybe_sanitize_url

    from orchestration.celery_cluster import ClusterError, broker_answers, local_cluster
    from orchestration.dagster_home import prepare_dagster_home

    settings = load_settings()
    if not broker_answers(settings.celery.broker):
        print(
            f"the Celery broker {maybe_sanitize_url(settings.celery.broker)} does not answer: start it first "
            "(`make broker` on this machine)",
            file=sys.stderr,
        )
        return 1
    prepare_dagster_home(settings)
    logs = settings.dagster_home / "celery"
    try:
        with local_cluster(args.workers, logs, warehouse=not args.chunks_only) as (_, workers):
            print(
                f"Celery workers on {settings.celery.broker}: {0 if args.chunks_only else 1} warehouse worker, "
                f"{args.workers} chunk worker(s); logs in {logs}; Ctrl-C stops them"
            )
            for proc, _log in workers:
                proc.wait()
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check the live publication against its manifest (after a crash, or before a BI load)."""
    from assets.publication.verify import verify

    published = load_settings().published_dir
    problems = verify(published)
    for line in problems:
        print(f"  {line}")
    print(f"{published}: {'matches its manifest' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check published/ against its manifest (sha256 of every file)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("travel-times", help="recompute the travel-time matrix, origin chunks in parallel processes")
    p.add_argument("--chunks", type=positive_int, default=8, help="origin chunks (default 8)")
    p.add_argument("--processes", type=positive_int, default=None, help="parallel processes (default: CPU count)")
    p.add_argument(
        "--executor",
        choices=("multiprocess", "celery"),
        default="multiprocess",
        help="multiprocess (this machine) or celery (the workers on the settings' broker)",
    )
    p.add_argument(
        "--origin-limit",
        type=positive_int,
        default=None,
        help="route only the first N origins, into derived.travel_times_sample (a smoke run; default: all)",
    )
    p.set_defaults(func=cmd_travel_times)

    p = sub.add_parser("broker", help="run the Celery broker (redis-server) on 127.0.0.1 for the matrix workers")
    p.set_defaults(func=cmd_broker)

    p = sub.add_parser(
        "celery-workers", help="start the warehouse worker and N chunk workers for the Celery jobs (Ctrl-C stops)"
    )
    p.add_argument("--workers", type=positive_int, default=2, help="chunk worker processes (default 2)")
    p.add_argument(
        "--chunks-only",
        action="store_true",
        help="no warehouse worker (machines other than the one that runs the warehouse steps)",
    )
    p.set_defaults(func=cmd_celery_workers)

    p = sub.add_parser("backfill", help="reload job-ad days FROM..TO (one partition each), then refresh once")
    p.add_argument("--from", dest="start", required=True, type=iso_day, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, type=iso_day, help="last day, YYYY-MM-DD")
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser("report", help="rebuild the HTML reports from the published tables and say where they are")
    p.add_argument("--open", action="store_true", help="open the index page in a browser")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("pathways", help="print the top get-on and get-up steps from an occupation")
    p.add_argument("occupation", help='a job title ("care worker") or a SOC 2020 code (6135)')
    p.add_argument("--top", type=positive_int, default=5, help="steps of each type (default 5)")
    p.set_defaults(func=cmd_pathways)

    p = sub.add_parser(
        "code-titles",
        help="code job titles to SOC 2020 (one per line, or a CSV with title and optional "
        "description, employer, category columns); CSV to stdout",
    )
    p.add_argument("file", nargs="?", default="-", help="file of titles (default: stdin)")
    p.set_defaults(func=cmd_code_titles)

    p = sub.add_parser("indicators", help="print the Plan's indicator tracker for a geography")
    p.add_argument("--geography", "-g", default=EMCCA_CODE, help="GSS code or name (default: EMCCA)")
    p.set_defaults(func=cmd_indicators)
