"""The data-quality gate and the publication: corrupt data never reaches published/, and a clean run
publishes files that match their manifest."""

import json
import os
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests.gate_env import make_env


def _check_evaluations(result):
    return {
        e.event_specific_data.check_name: e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def _materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}


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
    before = env.published_bytes()
    version_before = env.published.resolve().name
    with duckdb.connect(str(env.warehouse)) as conn:  # 140% employment, a duplicated key, a null key
        conn.execute(
            "update marts.fct_plan_indicators set value = 140 where indicator_id = 'employment_rate' "
            "and geography_code = 'E06000018' and is_latest"
        )
        conn.execute(
            "insert into marts.fct_plan_indicators select * from marts.fct_plan_indicators "
            "where indicator_id = 'gdhi_per_head' and geography_code = 'E47000013' and is_latest"
        )
        conn.execute(  # and a null key
            "insert into marts.fct_plan_indicators select * replace (null as indicator_id) "
            "from marts.fct_plan_indicators where indicator_id = 'employment_rate' limit 1"
        )
    result = env.run("validate_and_publish")
    assert not result.success
    check = _check_evaluations(result)["gx_fct_plan_indicators"]
    assert not check.passed
    failures = check.metadata["failures"].value
    kinds = {f["expectation"] for f in failures}
    assert {
        "expect_column_values_to_be_between",
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_not_be_null",
    } <= kinds
    bad = next(
        f for f in failures if f["expectation"] == "expect_column_values_to_be_between" and f["column"] == "value"
    )
    assert any(r["geography_code"] == "E06000018" and r["value"] == 140 for r in bad["sample_rows"])
    dup = next(f for f in failures if f["expectation"] == "expect_compound_columns_to_be_unique")
    assert {r["indicator_id"] for r in dup["sample_rows"]} == {"gdhi_per_head"}
    assert not any(k.startswith("published/") for k in _materialized(result))
    assert env.published.resolve().name == version_before
    assert env.published_bytes() == before  # byte for byte
    assert (
        env.sql(
            "select value from published.fct_plan_indicators where indicator_id = 'employment_rate' "
            "and geography_code = 'E06000018' and is_latest"
        )[0][0]
        != 140
    )
    failed_steps = {r[0] for r in env.sql("select step_key from ops.refresh_failures")}
    assert "gx_marts" in failed_steps


def _data_fingerprint(env) -> dict:
    """Rows and an order-free hash of every published table's data (feed_status aside: ages and times)."""
    from assets.publication.fingerprint import fingerprint

    with duckdb.connect(str(env.warehouse), read_only=True) as conn:
        return fingerprint(conn)


def test_corrupt_feed_is_stopped_at_the_raw_gate(env):
    before = env.published_bytes()
    data_before = _data_fingerprint(env)
    path = env.embedded / "ons/emcca_local_indicators_long.csv"
    ons = pd.read_csv(path, dtype=str, keep_default_na=False)
    hit = (ons.areacd == "E47000013") & (ons.indicator == "Employment rate") & (ons.period == "2023-01-01/P1Y")
    ons.loc[hit, "observation"] = "140"
    ons.to_csv(path, index=False)
    result = env.run()
    assert not result.success
    check = _check_evaluations(result)["gx_raw_ons_local_indicators"]
    assert not check.passed
    rows = [r for f in check.metadata["failures"].value for r in f["sample_rows"]]
    assert any(r["areacd"] == "E47000013" and r["observation"] == 140 for r in rows)
    assert not any(k.startswith("published/") for k in _materialized(result))
    assert env.published_bytes() == before
    # fix the feed: the next run publishes a new version again
    ons.loc[hit, "observation"] = "74.6"
    ons.to_csv(path, index=False)
    assert env.run().success
    assert env.published_bytes().keys() == before.keys()
    # determinism: a second refresh of the same data publishes the same data, table by table
    assert _data_fingerprint(env) == data_before


def test_a_broken_live_timetable_leaves_the_published_travel_times_unchanged(env, httpserver, tmp_path, monkeypatch):
    """BODS goes live and serves a timetable with a 25:61:00 stop time: the transport refresh quarantines
    it, routes on the last valid network and publishes travel times byte for byte as before."""
    import yaml

    from orchestration.definitions import build_defs
    from orchestration.settings import PROJECT_ROOT, load_settings
    from tests.faults_gtfs import broken_feeds

    travel = ("fct_travel_times.parquet", "fct_travel_times.csv")
    before = {name: data for name, data in env.published_bytes().items() if name in travel}
    reach_before = _data_fingerprint(env)["fct_job_reach_by_lsoa"]
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

    live = build_defs(load_settings())
    result = live.resolve_job_def("transport_refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert result.success
    reasons = env.sql("select reason from raw.quarantine where source = 'gtfs' and record_id like 'east_midlands@%'")
    assert any("25:61:00" in r for (r,) in reasons)
    assert env.published.resolve().name != version_before  # a new publication...
    assert {name: data for name, data in env.published_bytes().items() if name in travel} == before  # ...same bytes
    assert _data_fingerprint(env)["fct_job_reach_by_lsoa"] == reach_before  # and the reach built on them
