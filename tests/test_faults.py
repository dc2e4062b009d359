"""The job-advert file-drop fault cases (tests/faults.py) as tests: every row of a hostile file is
accepted, quarantined with its reason or collapsed as a duplicate; none is lost. `make faults` runs the
same cases with a 200,000-row file and prints the table."""

import os
from pathlib import Path

import pytest

from tests.faults import Harness, cases

CASES = {c.name: c for c in cases(big=5_000)}


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    return Harness(tmp_path_factory.mktemp("faults"))


@pytest.mark.parametrize("name", list(CASES))
def test_file_drop_fault_case(harness, name):
    case = CASES[name]
    out = harness.run(case)
    assert out.lost == 0, f"{name}: {out.lost} row(s) lost"
    assert (out.accepted, out.quarantined, out.collapsed) == (case.accepted, case.quarantined, case.collapsed), (
        out.reasons
    )
    assert out.extra_ok, f"{name}: {case.check} check failed"
    if case.quarantined:
        assert all(r.split(":")[0] and ":" in r for r in out.reasons)  # each names its field and reason


def test_quarantine_reasons_name_the_line_and_the_problem(harness):
    broken = harness.run(CASES["JSONL with one broken line"])
    assert any("line 3: invalid JSON" in r for r in broken.reasons)
    invalid = harness.run(CASES["invalid JSON"])
    assert any("cannot parse the .json file" in r and "line 1 column" in r for r in invalid.reasons)
    money = harness.run(CASES["salary £1,000,000 per hour and negative"])
    assert any(r.startswith("salary_text: negative salary") for r in money.reasons)


LIVE = __import__("tests.faults_live", fromlist=["x"])


@pytest.fixture(scope="module", params=LIVE.SOURCES, ids=lambda s: s.__name__)
def live_source(request, tmp_path_factory):
    """One live source's harness (its server, warehouse, Dagster instance), shared by its cases."""
    harness = LIVE.SourceFaults(request.param(), tmp_path_factory.mktemp(request.param.__name__))
    yield harness
    harness.close()


@pytest.mark.parametrize("case", LIVE.CASES, ids=lambda c: c.mode)
def test_live_source_fault(live_source, case):
    out = live_source.run(case)
    assert out.passed, (
        f"{out.source} / {case.name}: succeeded={out.succeeded} quarantined={out.quarantined} in "
        f"{out.seconds:.1f}s, data kept={out.data_kept}: {out.error}"
    )


def test_the_api_key_reaches_the_source_but_no_file(live_source):
    """After the source's cases: the canary key was sent (where the source takes one), yet no file the
    runs wrote - warehouse, run and event storage, compute logs - holds it (errors print URLs redacted)."""
    keyless = live_source.src.key in ("ons_local_stats_source", "dfe_neet_source")
    assert live_source.key_was_sent() or keyless
    assert live_source.files_with_the_secret() == []


@pytest.fixture(scope="module")
def gtfs_faults(tmp_path_factory):
    from tests.faults_gtfs import GtfsFaults

    harness = GtfsFaults(tmp_path_factory.mktemp("gtfs-faults"))
    yield harness
    harness.close()


GTFS_CASES = {c.name: (c, payload) for c, payload in __import__("tests.faults_gtfs", fromlist=["x"]).broken_feeds()}


@pytest.mark.parametrize("name", list(GTFS_CASES))
def test_broken_gtfs_is_quarantined_and_the_last_good_network_stays(gtfs_faults, name):
    case, payload = GTFS_CASES[name]
    out = gtfs_faults.run(case, payload)
    assert out.status == "quarantined", out.reason
    assert case.expected_reason.lower() in out.reason.lower() and out.quarantine_rows >= 1
    assert out.good_version_kept  # the planner still routes on the valid Chester version


def test_no_email_or_phone_number_anywhere_in_what_is_published(refreshed, warehouse, tmp_root):
    """Published CSVs, every text column of published.*, and the report pages: no email address and no UK
    phone number (adverts are scrubbed on load; descriptions never leave the warehouse)."""
    import re

    from tests.faults import EMAIL_OR_PHONE

    pattern = re.compile(EMAIL_OR_PHONE)
    published = Path(os.environ["ESCALATOR_PUBLISHED_DIR"]).resolve()
    files = [
        *published.glob("*.csv"),
        *(tmp_root / "reports").glob("*.html"),
        *(tmp_root / "reports").glob("data/*.csv"),
    ]
    assert len(files) > 20
    hits = [f"{f.name}: {m.group(0)}" for f in files for m in pattern.finditer(f.read_text(encoding="utf-8-sig"))]
    assert hits == []
    text_columns = warehouse.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'published' "
        "and data_type = 'VARCHAR'"
    ).fetchall()
    for table, column in text_columns:
        found = warehouse.execute(
            f'select count(*) from published.{table} where regexp_matches("{column}", ?)', [EMAIL_OR_PHONE]
        ).fetchone()[0]
        assert found == 0, f"published.{table}.{column}"


def test_canary_keys_in_the_environment_are_written_nowhere_by_the_refresh(refreshed, tmp_root):
    """The session's keys (tests/conftest.py) were resolved into the refresh's resources; no file it wrote -
    warehouse, run and event storage, compute logs, dbt logs, published/, reports - holds one."""
    from tests.conftest import CANARY_PREFIX

    def holds_canary(path: Path) -> bool:
        try:
            return CANARY_PREFIX.encode() in path.read_bytes()
        except FileNotFoundError:  # a temporary file the other test worker removed meanwhile
            return False

    files = [p for p in tmp_root.rglob("*") if p.is_file() and not p.is_symlink()]
    assert len(files) > 50 and any(p.suffix == ".duckdb" for p in files)
    assert [str(p.relative_to(tmp_root)) for p in files if holds_canary(p)] == []
