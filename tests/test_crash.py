"""Crash and concurrency cases (tests/faults_crash.py, tests/faults_concurrency.py) as tests, on a copy
of the session's refreshed site: `escalator refresh` killed with SIGKILL during dbt, during a raw load and
during publication; then two refreshes started together while the Dagster UI runs and a BI reader polls -
the one that runs is the rerun that must succeed without repair. `make faults` prints the same cases."""

import os
from pathlib import Path

import pytest

from tests.faults_concurrency import during_a_refresh
from tests.faults_crash import CASES, Site, after_rerun, kill


@pytest.fixture(scope="module")
def crashed(refreshed, tmp_path_factory):
    site = Site.copy_of(
        tmp_path_factory.mktemp("crash"),
        Path(os.environ["ESCALATOR_WAREHOUSE"]),
        Path(os.environ["ESCALATOR_PUBLISHED_DIR"]),
    )
    version_before = site.published.resolve().name
    outcomes = {case.name: kill(site, case) for case in CASES}
    together = during_a_refresh(site)
    again = after_rerun(site, together.winner_code, together.winner_stdout, together.seconds)
    return site, version_before, outcomes, together, again


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_a_killed_refresh_leaves_a_warehouse_that_opens_and_a_publication_that_matches_its_manifest(crashed, name):
    out = crashed[2][name]
    assert out.killed_after is not None, f"{name}: the refresh ended before the kill point was reached"
    assert out.warehouse_opens, f"{name}: the warehouse does not open for writing"
    assert out.publication == [], out.publication


def test_a_publication_killed_part_way_keeps_the_previous_one_live(crashed):
    _, version_before, outcomes, *_ = crashed
    out = outcomes["killed during publication"]
    assert out.half_written  # killed while writing the new version...
    assert out.live_version == version_before  # ...readers still see the last complete one


def test_the_rerun_succeeds_without_repair_and_clears_the_interrupted_runs(crashed):
    site, version_before, _, _, again = crashed
    assert again.code == 0
    assert again.publication == [] and site.published.resolve().name != version_before  # a new publication
    assert again.incomplete == []  # the half-written version folder was removed
    assert again.unfinished == []  # no run left STARTED in the UI, no duckdb pool slot held
    assert again.interrupted == len(CASES)  # each killed run says it was interrupted


def test_two_refreshes_together_one_runs_one_exits_with_a_message(crashed):
    together = crashed[3]
    assert sorted(together.exit_codes) == [0, 3]
    assert together.refused_message.startswith("escalator: another refresh is running on")


def test_the_ui_and_a_bi_reader_keep_working_during_a_refresh(crashed):
    together = crashed[3]
    assert together.reads > 0 and together.read_errors == []  # published DuckDB file and Parquet
    assert together.ui_answers > 0 and together.ui_errors == []  # /server_info and GraphQL


def test_the_ui_and_daemon_listen_on_localhost_only(crashed):
    listening = crashed[3].listening
    assert listening and all(a.startswith(("127.0.0.1:", "[::1]:")) for a in listening), listening


def test_terminal_refreshes_are_exempt_from_the_daemons_run_time_limit(crashed):
    """Run monitoring (dagster.yaml) cancels daemon-launched runs past max_runtime_seconds; the runs
    `escalator refresh` executes opt out (their own recovery is the next refresh's) so a long one survives."""
    import dagster as dg

    from orchestration.interrupted import PROCESS_TAG

    site = crashed[0]
    with dg.DagsterInstance.from_config(str(site.root / "home")) as instance:
        ours = [r for r in instance.get_runs() if PROCESS_TAG in r.tags]
    assert len(ours) >= len(CASES) + 1
    assert {r.tags.get("dagster/max_runtime_seconds") for r in ours} == {"0"}
