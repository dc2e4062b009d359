"""The partitioned job-ad asset end to end: file drops, Adzuna (local HTTP server), reruns, failures."""

import json

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from dagster_duckdb import DuckDBResource
from werkzeug import Response

from assets.jobads.assets import raw_job_ads, today_london
from assets.reference.assets import reference_assets
from orchestration.sensors import dropzone_sensor
from orchestration.settings import EMBEDDED_DIR
from tests.conftest import FIXTURES
from tests.feed_formats import adzuna_page, adzuna_result
from tests.feed_resources import platform_in, with_feeds

NEEDED = {"soc2020_coding_index", "soc2020_unit_groups", "lsoa21_lookup", "lad_lookup"}
REFERENCE = [a for a in reference_assets if a.key.path[1] in NEEDED]


@pytest.fixture()
def env(tmp_path, monkeypatch):
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(yaml.safe_dump({"sources": {}}))
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    resources = {
        "warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb")),
        "platform": platform_in(tmp_path, "drop"),
    }
    assert dg.materialize(REFERENCE, resources=with_feeds(resources)).success
    (tmp_path / "drop").mkdir()
    return tmp_path, resources, cfg


def _run(resources, day, **kw):
    return dg.materialize(
        [raw_job_ads, *REFERENCE], resources=with_feeds(resources), partition_key=day, selection=[raw_job_ads], **kw
    )


def _sql(tmp_path, q):
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        return conn.execute(q).fetchall()


def _real_adverts(n: int) -> list[dict]:
    """Real adverts (Adzuna/Kaggle sample, tests only) in a file-drop shape."""
    sample = pd.read_csv(FIXTURES / "adzuna_kaggle_sample.csv", dtype=str, keep_default_na=False).head(n)
    return [
        {
            "job_id": r.Id,
            "title": r.Title,
            "company": r.Company,
            "location": r.LocationRaw,
            "salary": r.SalaryRaw,
            "contract_time": r.ContractTime,
            "description": r.FullDescription[:300],
        }
        for r in sample.itertuples()
    ]


def test_embedded_day_loads_the_real_vacancies(env):
    tmp_path, resources, _ = env
    assert _run(resources, "2026-08-26").success
    n, coded, la = _sql(tmp_path, "select count(*), count(soc2020), count(la_code) from raw.job_ads")[0]
    assert n == len(pd.read_csv(EMBEDDED_DIR / "jobads/nottinghamshire_public_sector_jobs_2026-08-26.csv"))
    assert coded / n > 0.9 and la / n > 0.95


def test_drop_file_with_bad_records_duplicates_and_rerun(env):
    tmp_path, resources, _ = env
    rows = _real_adverts(8)
    rows += [
        dict(rows[0]),  # seen twice in one file
        {**rows[1], "job_id": "x1", "title": ""},
        {**rows[2], "job_id": "x2", "posted": "31/31/2026"},
        {**rows[3], "job_id": "x3", "company": "Caf\u00c3\u00a9 Ltd"},
    ]
    (tmp_path / "drop/export_2026-09-02.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert _run(resources, "2026-09-02").success
    assert _sql(tmp_path, "select count(*), count(distinct advert_key) from raw.job_ads")[0] == (8, 8)
    q = _sql(
        tmp_path,
        "select record_id, field, reason from raw.quarantine where source = 'job_ads' "
        "and partition = '2026-09-02' order by field",
    )
    assert [(f, r) for _, f, r in q] == [
        ("employer", "broken encoding (replacement or mojibake characters)"),
        ("posted_date", "unparseable date '31/31/2026'"),
        ("title", "no title"),
    ]
    assert all("export_2026-09-02.jsonl record" in rid for rid, _, _ in q)
    assert _run(resources, "2026-09-02").success  # rerunning the day replaces it
    assert _sql(tmp_path, "select count(*) from raw.job_ads")[0][0] == 8
    assert _sql(tmp_path, "select count(*) from raw.quarantine where source = 'job_ads'")[0][0] == 3


def test_adzuna_pages_then_a_failing_api_leaves_the_day_intact(env, httpserver, monkeypatch):
    tmp_path, resources, cfg = env
    cfg.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    "adzuna": {
                        "live": True,
                        "base_url": httpserver.url_for(""),
                        "where": ["Mansfield"],
                        "http_backoff": 0,
                        "http_retries": 1,
                    }
                }
            }
        )
    )
    monkeypatch.setenv("ADZUNA_APP_ID", "id123")
    monkeypatch.setenv("ADZUNA_APP_KEY", "SECRET-KEY")
    base = {
        "app_id": "id123",
        "app_key": "SECRET-KEY",
        "where": "Mansfield",
        "max_days_old": "1",
        "distance": "10",
        "results_per_page": "50",
        "content-type": "application/json",
    }
    results = [adzuna_result(i) for i in range(55)]
    httpserver.expect_ordered_request("/v1/api/jobs/gb/search/1", query_string=base).respond_with_json(
        adzuna_page(results[:50], 55)
    )
    httpserver.expect_ordered_request("/v1/api/jobs/gb/search/2", query_string=base).respond_with_json(
        adzuna_page(results[50:], 55)
    )
    day = today_london()
    assert _run(resources, day).success
    assert _sql(tmp_path, "select count(*), count(lsoa21cd) from raw.job_ads")[0] == (55, 55)
    assert _sql(tmp_path, "select count(*) from raw.job_ads where description like '%@%'")[0][0] == 0
    httpserver.clear()
    httpserver.expect_request("/v1/api/jobs/gb/search/1").respond_with_response(Response("down", 500))
    failed = _run(resources, day, raise_on_error=False)
    assert not failed.success
    errors = [str(e.event_specific_data.error) for e in failed.all_events if e.event_type_value == "STEP_FAILURE"]
    assert errors and "Adzuna (Mansfield): HTTP 500" in errors[0] and "SECRET-KEY" not in errors[0]
    assert _sql(tmp_path, "select count(*) from raw.job_ads")[0][0] == 55


def test_adzuna_adverts_older_than_the_window_are_quarantined_and_paging_is_bounded(env, httpserver, monkeypatch):
    """A real-shaped response that ignored max_days_old: a count of 305,275 and adverts posted in 2022-23
    among today's. Paging stops at what a day can hold (here 100 adverts: 2 pages), the old adverts go to
    quarantine naming posted_date, today's are stored, and the run says why it stopped paging."""
    tmp_path, resources, cfg = env
    adzuna = {"live": True, "base_url": httpserver.url_for(""), "where": ["Mansfield"], "http_backoff": 0}
    cfg.write_text(yaml.safe_dump({"sources": {"adzuna": {**adzuna, "max_adverts_per_place_day": 100}}}))
    monkeypatch.setenv("ADZUNA_APP_ID", "id123")
    monkeypatch.setenv("ADZUNA_APP_KEY", "SECRET-KEY")
    results = [adzuna_result(i, "2022-11-03T09:12:44Z" if i % 10 == 0 else None) for i in range(150)]
    for page in (1, 2, 3):
        httpserver.expect_request(f"/v1/api/jobs/gb/search/{page}").respond_with_json(
            adzuna_page(results[(page - 1) * 50 : page * 50], 305_275)
        )
    day = today_london()
    result = _run(resources, day)
    assert result.success
    assert sorted(int(r.path.rsplit("/", 1)[1]) for r, _ in httpserver.log) == [1, 2]
    assert _sql(tmp_path, "select count(*) from raw.job_ads")[0][0] == 90  # 100 read, 10 from 2022
    old = _sql(tmp_path, "select field, reason from raw.quarantine where source = 'job_ads'")
    assert len(old) == 10 and {f for f, _ in old} == {"posted_date"}
    assert "posted 2022-11-03" in old[0][1] and "not a new advert" in old[0][1]
    meta = next(
        e.event_specific_data.materialization.metadata
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    )
    assert "305,275 adverts" in str(meta)


def test_dropzone_sensor_requests_one_run_per_new_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATOR_DROPZONE", str(tmp_path))
    (tmp_path / "empty.yaml").write_text("")  # the default sources (an empty config)
    monkeypatch.setenv("ESCALATOR_CONFIG", str(tmp_path / "empty.yaml"))
    (tmp_path / "ads_2026-10-01.csv").write_text("title,employer\nCare Worker,Acme\n")
    (tmp_path / "notes.txt").write_text("ignored")
    platform = {"platform": with_feeds({})["platform"]}  # the drop folder reaches the sensor as a resource
    jobads_dropzone_sensor = dropzone_sensor()
    first = jobads_dropzone_sensor(dg.build_sensor_context(resources=platform))
    assert [r.partition_key for r in first.run_requests] == ["2026-10-01"]
    again = jobads_dropzone_sensor(dg.build_sensor_context(cursor=first.cursor, resources=platform))
    assert not again.run_requests
    (tmp_path / "ads_2026-10-01.csv").write_text("title,employer\nCare Worker,Acme\nCook,Acme\n")
    changed = jobads_dropzone_sensor(dg.build_sensor_context(cursor=first.cursor, resources=platform))
    assert len(changed.run_requests) == 1


def test_embedded_adverts_can_be_switched_off_in_the_settings_file(env):
    tmp_path, resources, cfg = env
    assert _run(resources, "2026-08-26").success
    assert _sql(tmp_path, "select count(*) from raw.job_ads where seen_date = '2026-08-26'")[0][0] > 0
    cfg.write_text(yaml.safe_dump({"sources": {"embedded_jobads": {"enabled": False}}}))
    assert _run(resources, "2026-08-26").success  # the day is replaced by what the sources now deliver
    assert _sql(tmp_path, "select count(*) from raw.job_ads where seen_date = '2026-08-26'")[0][0] == 0
