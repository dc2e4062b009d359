"""Operations: the schedule, the failure-alert sensor (record + webhook), the GTFS feed-version sensor,
freshness checks, and the Dagster UI itself in headless Chromium."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
import requests
import yaml

from assets.publication.publish import PUBLISHED_MARTS
from tests.browser import launch
from tests.conftest import ROOT
from tests.feed_resources import with_feeds


def test_schedule_requests_todays_partition_in_london_time():
    from orchestration.definitions import defs
    from orchestration.schedules import daily_refresh_schedule

    when = datetime(2026, 10, 25, 5, 30, tzinfo=ZoneInfo("Europe/London"))  # the day the clocks go back
    ctx = dg.build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def())
    request = daily_refresh_schedule.evaluate_tick(ctx).run_requests[0]
    assert request.partition_key == "2026-10-25" and request.run_key == "daily-2026-10-25"
    assert daily_refresh_schedule.execution_timezone == "Europe/London"


def test_failure_sensor_writes_the_alert_and_posts_the_webhook(tmp_path, monkeypatch, httpserver):
    from orchestration.definitions import defs
    from orchestration.sensors import run_failure_alert_sensor

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("ESCALATOR_ALERT_WEBHOOK", httpserver.url_for("/hook"))
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")

    @dg.op
    def broken():
        raise RuntimeError("feed exploded")

    @dg.job
    def failing():
        broken()

    with dg.instance_for_test() as instance:
        result = failing.execute_in_process(instance=instance, raise_on_error=False)
        run = instance.get_run_by_id(result.run_id)
        failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
        ctx = dg.build_run_status_sensor_context(
            sensor_name="run_failure_alert_sensor",
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=run,
            repository_def=defs.get_repository_def(),
        ).for_run_failure()
        home = os.environ["DAGSTER_HOME"]  # instance_for_test points DAGSTER_HOME at its own folder
        resources = with_feeds({})  # the sensor gets DAGSTER_HOME through the platform resource
        run_failure_alert_sensor(ctx, platform=resources["platform"])
        lines = (Path(home) / "alerts.jsonl").read_text().splitlines()
    assert len(lines) == 1
    alert = json.loads(lines[0])
    assert alert["run_id"] == result.run_id and alert["job"] == "failing" and alert["webhook_status"] == "HTTP 200"
    posted = httpserver.log[0][0].get_json()
    assert posted["run_id"] == result.run_id and "failing" in posted["text"]


def test_gtfs_sensor_starts_one_run_per_new_feed_version(tmp_path, monkeypatch, httpserver):
    from orchestration.sensors import gtfs_feed_version_sensor

    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    "bods": {
                        "live": True,
                        "http_retries": 0,
                        "feeds": [{"name": "em", "url": httpserver.url_for("/gtfs")}],
                    }
                }
            }
        )
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    httpserver.expect_request("/gtfs", method="HEAD").respond_with_data("", headers={"ETag": '"v1"'})
    bods = {"bods_source": with_feeds({})["bods_source"]}
    first = gtfs_feed_version_sensor.evaluate_tick(dg.build_sensor_context(resources=bods))
    assert len(first.run_requests) == 1 and first.run_requests[0].tags["feeds"] == "em"
    again = gtfs_feed_version_sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor, resources=bods))
    assert again.run_requests == []
    httpserver.clear()
    httpserver.expect_request("/gtfs", method="HEAD").respond_with_data("", headers={"ETag": '"v2"'})
    changed = gtfs_feed_version_sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor, resources=bods))
    assert len(changed.run_requests) == 1


def test_every_raw_asset_has_a_freshness_check_from_the_feed_registry():
    """Walks the graph, not the registry: a new raw asset without a feed entry fails here."""
    from assets.platform.feeds import FEEDS
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    checked = {k.asset_key for k in graph.asset_check_keys if k.name == "freshness_check"}
    raw = {k for k in graph.get_all_asset_keys() if k.path[0] == "raw" and graph.get(k).is_materializable}
    assert len(raw) >= 25
    assert sorted(k.to_user_string() for k in raw - checked) == []
    registered = {dg.AssetKey(list(k)) for f in FEEDS for k in f.assets}
    assert registered == raw  # the registry names exactly the raw assets that exist


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home_ui")
    shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    exe = os.path.join(os.path.dirname(sys.executable), "dagster-webserver")
    proc = subprocess.Popen(
        [exe, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/server_info", timeout=2).ok:
                break
        except requests.RequestException:
            time.sleep(1)
    else:
        proc.kill()
        pytest.fail("dagster-webserver did not start within 120 s")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def _page(browser, url, wait_for):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    page.get_by_text(wait_for, exact=False).first.wait_for(timeout=60_000)
    return page


def test_dagster_ui_shows_dbt_models_checks_and_schedule(webserver, artifacts_dir):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        # The lineage graph draws only the nodes in view (and shortens names), so it is a screenshot; the
        # group's List tab (opened by its URL: a first-visit dialog can cover the tab) is where every
        # published dbt mart must appear by name.
        group = f"{webserver}/locations/opportunity_escalator/asset-groups/marts"
        graph = _page(browser, group, "marts")  # the group name: any node may lie outside the view
        graph.screenshot(path=str(artifacts_dir / "dagster-ui-marts-graph.png"))
        graph.set_viewport_size({"width": 1400, "height": 3000})
        graph.goto(f"{group}/list")
        graph.get_by_text("marts / fct_job_ads", exact=True).first.wait_for(timeout=60_000)
        text = graph.inner_text("body")
        missing = [m for m in PUBLISHED_MARTS if f"marts / {m}" not in text]
        assert not missing, f"dbt marts missing from the Dagster UI's marts group: {missing}"
        graph.screenshot(path=str(artifacts_dir / "dagster-ui-marts-list.png"))
        checks = _page(browser, f"{webserver}/assets/marts/fct_plan_indicators?view=checks", "gx_fct_plan_indicators")
        text = checks.inner_text("body")
        assert "gx_fct_plan_indicators" in text and "not_null_fct_plan_indicators_indicator_id" in text
        checks.screenshot(path=str(artifacts_dir / "dagster-ui-checks.png"))
        automation = _page(browser, f"{webserver}/automation", "daily_refresh_schedule")
        text = automation.inner_text("body")
        assert "daily_refresh_schedule" in text and "jobads_dropzone_sensor" in text
        automation.screenshot(path=str(artifacts_dir / "dagster-ui-automation.png"))
        browser.close()


def test_feeds_doc_is_the_registry():
    from assets.platform.feeds import markdown

    assert (Path(__file__).resolve().parents[1] / "docs" / "FEEDS.md").read_text() == markdown(), (
        "docs/FEEDS.md is stale: python -m assets.platform.feeds > docs/FEEDS.md"
    )


def test_a_site_on_celery_has_its_schedules_and_sensors_start_the_refreshes_on_the_cluster(monkeypatch):
    """refresh_executor: celery reaches the daemon's launches too, not only `escalator refresh`."""
    from orchestration.definitions import build_defs
    from orchestration.settings import load_settings

    def targets(settings) -> dict[str, str]:
        repo = build_defs(settings).get_repository_def()
        found = {s.name: s.job_name for s in repo.schedule_defs}
        for sensor in repo.sensor_defs:
            if sensor.name in ("jobads_dropzone_sensor", "gtfs_feed_version_sensor"):
                found[sensor.name] = sensor.job_name
        return found

    in_process = targets(load_settings())
    monkeypatch.setenv("ESCALATOR_REFRESH_EXECUTOR", "celery")
    on_celery = targets(load_settings())
    assert in_process == {
        "daily_refresh_schedule": "daily_refresh",
        "weekly_transport_schedule": "transport_refresh",
        "jobads_dropzone_sensor": "daily_refresh",
        "gtfs_feed_version_sensor": "transport_refresh",
    }
    assert on_celery == {name: f"{job}_celery" for name, job in in_process.items()}
