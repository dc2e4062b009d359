"""The data-quality gate and the publication: corrupt data never reaches published/, and a clean run
publishes files that match their manifest."""

import json
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.faults_gate import CASES, MART_CORRUPTIONS, ONS_FILE, GateCase, run_case
from tests.gate_env import make_env


@pytest.fixture(scope="module")
def env(refreshed, tmp_path_factory):
    """A private copy of the session's refreshed site (warehouse, timetables, publication) and embedded data."""
    assert refreshed.success
    mp = pytest.MonkeyPatch()
    session = (Path(os.environ["ESCALATOR_WAREHOUSE"]), Path(os.environ["ESCALATOR_PUBLISHED_DIR"]))
    e = make_env(tmp_path_factory.mktemp("gate"), mp, start_from=session)
    yield e
    mp.undo()


def test_clean_run_publishes_and_manifest_matches_files(env):
    folder = env.published.resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    assert listed == {p.name for p in folder.iterdir()} - {"manifest.json", "datapackage.json"}
    from assets.publication.publish import sha256

    for f in manifest["files"]:
        path = folder / f["path"]
        assert sha256(path) == f["sha256"]
        if path.suffix == ".duckdb":  # the BI copy: every published table, with the manifest's row count
            with duckdb.connect(str(path), read_only=True) as bi:
                for table, rows in manifest["tables"].items():
                    assert bi.execute(f"select count(*) from {table}").fetchone()[0] == rows, table
            continue
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
        assert duckdb.sql(f"select count(*) from {reader}('{path}')").fetchall()[0][0] == f["rows"]
    assert all(c["passed"] for c in manifest["checks"]) and manifest["checks"]
    assert (
        manifest["tables"]["fct_plan_indicators"] == env.sql("select count(*) from published.fct_plan_indicators")[0][0]
    )
    assert "ONS Explore Local Statistics" in manifest["data_periods"]


def test_published_csvs_open_in_excel_and_keep_advert_free_text_out(env):
    """UTF-8 with a BOM (Excel shows "£", not "Â£"); the advert description stays in the warehouse."""
    folder = env.published.resolve()
    for csv in folder.glob("*.csv"):
        assert csv.read_bytes()[:3] == b"\xef\xbb\xbf", csv.name
    published = {
        r[0]
        for r in env.sql(
            "select column_name from information_schema.columns where "
            "table_schema = 'published' and table_name = 'fct_job_ads'"
        )
    }
    warehouse = {
        r[0]
        for r in env.sql(
            "select column_name from information_schema.columns where "
            "table_schema = 'marts' and table_name = 'fct_job_ads'"
        )
    }
    assert "description" in warehouse and "description" not in published and "title" in published
    header = (folder / "fct_job_ads.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "description" not in header


def test_corrupt_mart_fails_its_check_with_the_rows_and_publication_is_skipped(env):
    """140% employment, a duplicated key and a null key at once (tests/faults_gate.py; `make faults` tries
    each alone)."""
    version_before = env.published.resolve().name

    def all_three(env):
        with duckdb.connect(str(env.warehouse)) as conn:
            for corrupt in MART_CORRUPTIONS.values():
                corrupt(conn)

    case = GateCase("three", "validate_and_publish", "gx_fct_plan_indicators", "", all_three)
    out = run_case(env, case)
    assert out.run_failed
    for expectation in MART_CORRUPTIONS:
        assert out.failing(expectation), expectation
    bad = next(f for f in out.failing("expect_column_values_to_be_between") if f["column"] == "value")
    assert any(r["geography_code"] == "E06000018" and r["value"] == 140 for r in bad["sample_rows"])
    dup = out.failing("expect_compound_columns_to_be_unique")[0]
    assert {r["indicator_id"] for r in dup["sample_rows"]} == {"gdhi_per_head"}
    assert out.published_assets == set()
    assert env.published.resolve().name == version_before
    assert out.hashes_same  # every file under published/, byte for byte
    assert (
        env.sql(
            "select value from published.fct_plan_indicators where indicator_id = 'employment_rate' "
            "and geography_code = 'E06000018' and is_latest"
        )[0][0]
        != 140
    )
    assert any(step.startswith("gx_marts") for step in out.alert) and out.banner  # recorded; the reports say so


def _data_fingerprint(env) -> dict:
    """Rows and an order-free hash of every published table's data (feed_status aside: ages and times)."""
    from assets.publication.fingerprint import fingerprint

    with duckdb.connect(str(env.warehouse), read_only=True) as conn:
        return fingerprint(conn)


def test_corrupt_feed_is_stopped_at_the_raw_gate(env):
    out = run_case(env, CASES[-1])  # EMCCA's 2023 employment rate 140% in the ONS file
    assert out.case.name == "raw feed value out of range"
    assert out.run_failed
    rows = [r for f in out.failures for r in f["sample_rows"]]
    assert any(r["areacd"] == "E47000013" and r["observation"] == 140 for r in rows)
    assert out.published_assets == set() and out.hashes_same
    # the gate's step key may carry a suffix (gx_raw_feeds_2) when Dagster splits the multi-asset
    assert any(step.startswith("gx_raw_feeds") for step in out.alert) and out.banner


def test_the_next_refresh_with_a_broken_live_timetable_publishes_the_same_data(env, httpserver, tmp_path, monkeypatch):
    """The ONS file fixed, and BODS live serving a timetable with a 25:61:00 stop time: the daily refresh
    quarantines the timetable, routes on the last valid network and publishes a new version whose data are
    those of the session's refresh, table by table (determinism: same day, same data), with the travel-time
    files byte for byte as before."""
    import shutil

    import yaml

    from orchestration.definitions import build_defs
    from orchestration.settings import EMBEDDED_DIR, PROJECT_ROOT, load_settings
    from tests.faults_gtfs import broken_feeds

    shutil.copyfile(EMBEDDED_DIR / ONS_FILE, env.embedded / ONS_FILE)  # fixed (the test above corrupts it)
    travel = ("fct_travel_times.parquet", "fct_travel_times.csv")
    before = {name: data for name, data in env.published_bytes().items() if name in travel}
    data_before = _data_fingerprint(env)  # published.* is still the session's (the gate blocked the last run)
    version_before = env.published.resolve().name
    case, payload = next((c, p) for c, p in broken_feeds() if "25:61" in c.name)
    httpserver.expect_request("/gtfs").respond_with_data(payload, content_type="application/zip")
    config = yaml.safe_load((PROJECT_ROOT / "escalator.yaml").read_text())
    config["sources"]["bods"] = {
        "live": True,
        "http_retries": 0,
        "feeds": [{"name": "east_midlands", "url": httpserver.url_for("/gtfs")}],
    }
    (tmp_path / "escalator.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv("ESCALATOR_CONFIG", str(tmp_path / "escalator.yaml"))

    from assets.jobads.assets import EMBEDDED_SEEN_DATE

    live = build_defs(load_settings())
    result = live.resolve_job_def("daily_refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, partition_key=EMBEDDED_SEEN_DATE
    )
    assert result.success
    reasons = env.sql("select reason from raw.quarantine where source = 'gtfs' and record_id like 'east_midlands@%'")
    assert any("25:61:00" in r for (r,) in reasons)
    assert env.published.resolve().name != version_before  # a new publication...
    assert {name: data for name, data in env.published_bytes().items() if name in travel} == before  # same bytes
    assert _data_fingerprint(env) == data_before  # ...and every published table's data as before
