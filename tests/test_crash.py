"""Crash cases (tests/faults_crash.py) as tests: `escalator refresh` killed with SIGKILL during dbt,
during a raw load and during publication, on a copy of the session's refreshed warehouse; then one rerun.
`make faults` prints the same cases as a table."""

import os
from pathlib import Path

import pytest

from tests.faults_crash import CASES, Site, kill, rerun


@pytest.fixture(scope="module")
def crashed(refreshed, tmp_path_factory):
    site = Site.copy_of(
        tmp_path_factory.mktemp("crash"),
        Path(os.environ["ESCALATOR_WAREHOUSE"]),
        Path(os.environ["ESCALATOR_PUBLISHED_DIR"]),
    )
    version_before = site.published.resolve().name
    outcomes = {case.name: kill(site, case) for case in CASES}
    return site, version_before, outcomes, rerun(site)


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_a_killed_refresh_leaves_a_warehouse_that_opens_and_a_publication_that_matches_its_manifest(crashed, name):
    _, version_before, outcomes, _ = crashed
    out = outcomes[name]
    assert out.killed_after is not None, f"{name}: the refresh ended before the kill point was reached"
    assert out.warehouse_opens, f"{name}: the warehouse does not open for writing"
    assert out.publication == [], out.publication


def test_a_publication_killed_part_way_keeps_the_previous_one_live(crashed):
    site, version_before, outcomes, _ = crashed
    out = outcomes["killed during publication"]
    assert out.half_written  # killed while writing the new version...
    assert out.live_version == version_before  # ...readers still see the last complete one


def test_the_rerun_succeeds_without_repair_and_clears_the_interrupted_runs(crashed):
    site, version_before, _, again = crashed
    assert again.code == 0
    assert again.publication == [] and site.published.resolve().name != version_before  # a new publication
    assert again.incomplete == []  # the half-written version folder was removed
    assert again.unfinished == []  # no run left STARTED in the UI, no duckdb pool slot held
    assert again.interrupted == len(CASES)  # each killed run says it was interrupted
