"""Switching a source on at a site that ran on the embedded data, as the Partnership will: a copy of the
session's refreshed site, the source's real-format responses from a local server, then the site's own
jobs. What the switch must not do is route, publish or gate on a mix of the old and the new."""

import os
from pathlib import Path

import duckdb
import yaml
from pytest_httpserver import HTTPServer

from tests.faults_gtfs import CHESTER, CHESTER_BBOX
from tests.gate_env import make_env


def _site(refreshed, tmp_path, monkeypatch, sources: dict):
    assert refreshed.success
    session = (Path(os.environ["ESCALATOR_WAREHOUSE"]), Path(os.environ["ESCALATOR_PUBLISHED_DIR"]))
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(yaml.safe_dump({"sources": sources}))
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    return make_env(tmp_path / "site", monkeypatch, start_from=session)


def _failures(result) -> list[str]:
    out = []
    for e in result.all_events:
        if e.event_type_value == "STEP_FAILURE":
            error = e.event_specific_data.error
            while error.cause is not None:  # the op's own exception, not Dagster's wrapper
                error = error.cause
            out.append(f"{e.step_key}: {error.message.strip()}")
    return out


def _published(env, query: str):
    with duckdb.connect(str(env.published.resolve() / "escalator_published.duckdb"), read_only=True) as bi:
        return bi.execute(query).fetchall()


def test_a_site_on_the_stand_in_switched_to_live_bods_publishes_the_live_network_alone(
    refreshed, tmp_path, monkeypatch, httpserver: HTTPServer
):
    """Real BODS GTFS (Chester, OGL; its own area stands in for the health gate's box) served as the
    live feed: the published travel times are routed on it alone, not merged with the SYNTHETIC stand-in
    the site ran on, and are no longer labelled synthetic."""
    httpserver.expect_request("/gtfs").respond_with_data(CHESTER.read_bytes(), content_type="application/zip")
    env = _site(
        refreshed,
        tmp_path,
        monkeypatch,
        {
            "bods": {
                "live": True,
                "bbox": CHESTER_BBOX,
                "feeds": [{"name": "chester", "url": httpserver.url_for("/gtfs")}],
            }
        },
    )
    before = _published(env, "select distinct network_version, synthetic_network from fct_travel_times")
    assert len(before) == 1 and before[0][1] is True and "emcca_standin@" in before[0][0]
    result = env.run("transport_refresh", quiet=True)
    assert result.success, _failures(result)
    after = _published(env, "select distinct network_version, synthetic_network, routing_date from fct_travel_times")
    assert len(after) == 1
    version, synthetic, routing_date = after[0]
    assert version.startswith("chester@") and "standin" not in version and synthetic is False
    assert str(routing_date) != "2026-10-13"  # the stand-in's calendar day is not applied to the live feed
    reach = _published(env, "select distinct network_version, synthetic_network from fct_job_reach_by_lsoa")
    assert reach == [(version, False)]  # the pages' reach map reads this table


def _adzuna_day(day: str, n: int, first_id: int) -> list[dict]:
    """One day's search results in Adzuna's layout: real advert titles (the Adzuna/Kaggle sample the
    tests ship), posted that morning, in the places the query names."""
    import pandas as pd

    from tests.conftest import FIXTURES
    from tests.feed_formats import adzuna_result

    titles = pd.read_csv(FIXTURES / "adzuna_kaggle_sample.csv", dtype=str, keep_default_na=False).Title
    return [
        {
            **adzuna_result(first_id + i, f"{day}T06:{i % 60:02d}:00Z"),
            "title": titles.iloc[(first_id + i) % len(titles)],
        }
        for i in range(n)
    ]


def test_adzuna_live_on_two_consecutive_days_publishes_both(refreshed, tmp_path, monkeypatch, httpserver: HTTPServer):
    """Adzuna switched on at a site that ran on the embedded adverts, fetched on two days running (the
    clock moved to each morning): the first day's adverts loaded (`jobads_day`, the raw load alone, to keep
    the suite short), the second day refreshed and published (`jobads_refresh`) with both days, each
    day's adverts counted on their own day: no row-count check fitted to one day's data blocks it."""
    import datetime as dt

    import time_machine

    from assets.jobads.assets import today_london
    from tests.feed_formats import adzuna_page

    adzuna = {"live": True, "base_url": httpserver.url_for(""), "where": ["Mansfield"], "http_backoff": 0}
    env = _site(refreshed, tmp_path, monkeypatch, {"adzuna": adzuna})
    monkeypatch.setenv("ADZUNA_APP_ID", "id123")
    monkeypatch.setenv("ADZUNA_APP_KEY", "key456")
    days = {"2026-12-07": ("jobads_day", 40, 0), "2026-12-08": ("jobads_refresh", 30, 1000)}  # ids apart
    for day, (job, n, first_id) in days.items():
        httpserver.clear()
        results = _adzuna_day(day, n, first_id)
        httpserver.expect_request("/v1/api/jobs/gb/search/1").respond_with_json(adzuna_page(results, n))
        with time_machine.travel(f"{day}T07:00:00+00:00", tick=True):
            assert today_london() == day
            result = env.run(job, partition=day)
        assert result.success, _failures(result)
        assert env.sql("select count(*) from raw.job_ads where seen_date = ?", [day])[0][0] == n
    by_day = dict(_published(env, "select first_seen, count(*) from fct_job_ads group by 1"))
    assert {str(d): c for d, c in by_day.items() if d >= dt.date(2026, 12, 1)} == {"2026-12-07": 40, "2026-12-08": 30}
