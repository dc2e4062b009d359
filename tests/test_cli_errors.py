"""Bad input to the command line ends in one line naming the problem and exit code 2, never a traceback.

The argument cases call the CLI's `main` in this process (what `python -m orchestration.cli` runs, without
~1.4 s of interpreter start and imports each); the cases about the process itself (a missing config file,
workers without a broker) start the real command."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    "args,says",
    [
        (["backfill", "--from", "notadate", "--to", "2026-01-01"], "not a date"),
        (["refresh", "--day", "2026-13-45"], "not a date"),
        (["refresh", "--job", "nojob"], "invalid choice"),
        (["code-titles", "/nonexistent/titles.txt"], "cannot read"),
        (["travel-times", "--chunks", "0"], "must be 1 or more"),
        (["travel-times", "--processes", "many"], "not a whole number"),
        (["travel-times", "--executor", "spark"], "invalid choice"),
        (["travel-times", "--origin-limit", "0"], "must be 1 or more"),
        (["celery-workers", "--workers", "0"], "must be 1 or more"),
        (["refresh", "--executor", "spark"], "invalid choice"),
        (["refresh", "--job", "jobads_day", "--executor", "celery"], "--executor celery runs daily_refresh"),
        (["refresh", "--origin-limit", "0"], "must be 1 or more"),
        (["refresh", "--job", "jobads_day", "--origin-limit", "5"], "--origin-limit needs a job with the travel-time"),
        (["dev", "--port", "99999"], "not a TCP port"),
        (["pathways", "care worker", "--top", "-3"], "must be 1 or more"),
        (["report", "--bogus"], "unrecognized arguments"),
        (["nosuchcommand"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, says, capsys):
    _assert_one_line_exit_2(args, says, capsys)


@pytest.mark.parametrize(
    "args,says",
    [
        (["indicators", "--geography", "Narnia"], "Unknown geography 'Narnia'"),
        (["pathways", "zzqx qqqv wvvx"], "could not code"),
        (["pathways", "9999"], "not a SOC 2020 unit group"),
    ],
)
def test_bad_input_to_commands_that_read_the_warehouse(refreshed, args, says, capsys):
    _assert_one_line_exit_2(args, says, capsys)


def _assert_one_line_exit_2(args, says, capsys):
    from orchestration.cli import main

    try:
        code = main(args)  # an exception escaping main would be a traceback: it fails the test here
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    stderr = capsys.readouterr().err
    assert code == 2, stderr
    errors = [line for line in stderr.splitlines() if not line.startswith(("usage:", " "))]
    assert len(errors) == 1 and says in errors[0]


def test_celery_workers_without_a_broker_say_so_and_start_nothing(tmp_path):
    """Workers pointed at a broker that is not running would retry for ever, silently: refuse, naming it."""
    import os
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ESCALATOR_CELERY_BROKER": f"redis://127.0.0.1:{port}/0", "DAGSTER_HOME": str(tmp_path)}
    result = _cli(["celery-workers"], env)
    assert result.returncode == 1, result.stderr
    assert f"Celery broker redis://127.0.0.1:{port}/0 does not answer" in result.stderr
    assert not (tmp_path / "celery").exists()  # no worker was started


def test_the_cli_job_list_matches_the_definitions():
    from orchestration.cli import JOB_NAMES
    from orchestration.definitions import defs

    # the Celery jobs run through `travel-times --executor celery` and `refresh --executor celery`
    from orchestration.refresh import CELERY_REFRESH_JOBS

    on_celery = {"travel_time_matrix_celery"} | {f"{job}_celery" for job in CELERY_REFRESH_JOBS}
    runnable = set(JOB_NAMES) | on_celery
    assert runnable == {job.name for job in defs.jobs if not job.name.startswith("__")}


def test_a_config_file_that_does_not_exist_stops_the_refresh_naming_it(tmp_path):
    """ESCALATOR_CONFIG=typo.yaml must not refresh the default site: exit 2, the path named, nothing written."""
    import os

    env = {
        **os.environ,
        "ESCALATOR_CONFIG": str(tmp_path / "typo.yaml"),
        "ESCALATOR_WAREHOUSE": str(tmp_path / "w.duckdb"),
    }
    result = _cli(["refresh"], env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        == f"escalator: ESCALATOR_CONFIG names {tmp_path / 'typo.yaml'}, which does not exist (nothing was refreshed)"
    )
    assert not (tmp_path / "w.duckdb").exists()


def _cli(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
