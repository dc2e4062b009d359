"""Transport: GTFS validation with file/row/field errors, RAPTOR equal to a brute-force time-expanded
search on the real Chester feed, the BODS connector against a local server, and the published marts."""

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from transport_bruteforce import earliest_arrivals

from assets.platform.http import FeedError, make_session
from assets.transport import gtfs, raptor, timetable
from assets.transport.connectors import bods
from tests.feed_resources import platform_in, with_feeds

CHESTER = Path(__file__).resolve().parents[1] / "data" / "embedded" / "gtfs" / "chester-20230816-small_gtfs.zip"


@pytest.fixture(scope="module")
def chester():
    return timetable.load(CHESTER, gtfs.busiest_weekday(CHESTER))


def _rewrite(tmp_path, drop=None, edit=None) -> dict:  # noqa: ARG001
    tables = gtfs.read_tables(CHESTER)
    if drop:
        tables.pop(drop)
    if edit:
        edit(tables)
    return tables


def test_real_feed_is_valid_and_healthy():
    tables = gtfs.read_tables(CHESTER)
    assert gtfs.validate_tables(tables).ok
    day = gtfs.busiest_weekday(CHESTER)
    assert day.weekday() == 1
    health, problems = gtfs.health(CHESTER, tables, day, (-3.2, 53.0, -2.6, 53.4))
    assert problems == [] and health.service_share >= 0.2 and health.stops_inside > 1000


def test_missing_stop_times_is_named(tmp_path):
    v = gtfs.validate_tables(_rewrite(tmp_path, drop="stop_times.txt"))
    assert [str(e) for e in v.errors] == ["stop_times.txt: required file is missing"]


def test_trip_with_unknown_route_names_file_row_and_field(tmp_path):
    def edit(t):
        t["trips.txt"].loc[4, "route_id"] = "NO_SUCH_ROUTE"

    v = gtfs.validate_tables(_rewrite(tmp_path, edit=edit))
    assert str(v.errors[0]) == "trips.txt row 5 field route_id: route_id 'NO_SUCH_ROUTE' not found in routes.txt"


def test_impossible_time_names_file_row_and_field(tmp_path):
    def edit(t):
        t["stop_times.txt"].loc[9, "arrival_time"] = "25:61:00"

    v = gtfs.validate_tables(_rewrite(tmp_path, edit=edit))
    assert any(
        str(e) == "stop_times.txt row 10 field arrival_time: '25:61:00' is not a valid HH:MM:SS time" for e in v.errors
    )
    assert gtfs.parse_time("25:10:00") == 25 * 3600 + 600  # past midnight is legal


def test_health_gate_rejects_a_date_outside_the_feed_and_stops_outside_the_area():
    tables = gtfs.read_tables(CHESTER)
    from datetime import date

    _, problems = gtfs.health(CHESTER, tables, date(2030, 1, 1), (-1.7, 52.6, -0.6, 53.6))
    messages = " ".join(p.message for p in problems)
    assert "no service runs on the routing date 2030-01-01" in messages
    assert "stops inside the study area" in messages


def test_raptor_equals_brute_force_on_sampled_chester_queries(chester):
    rng = np.random.default_rng(7)
    for _ in range(6):
        origin = int(rng.integers(chester.n_stops))
        depart = int(rng.integers(6 * 3600, 19 * 3600))
        ours = raptor.earliest_arrival(chester, origin, depart)
        reference = earliest_arrivals(chester, origin, depart)
        reached = {s for s in range(chester.n_stops) if ours[s] < raptor.INF}
        assert reached == set(reference)
        assert all(int(ours[s]) == reference[s] for s in reached)


def _zip_bytes() -> bytes:
    return CHESTER.read_bytes()


def test_bods_conditional_download_then_not_modified_then_error(httpserver, tmp_path):
    body = _zip_bytes()
    httpserver.expect_ordered_request("/gtfs/em/").respond_with_data(
        body, headers={"ETag": '"v1"', "Last-Modified": "Tue, 08 Aug 2023 00:00:00 GMT"}, content_type="application/zip"
    )
    httpserver.expect_ordered_request("/gtfs/em/", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_ordered_request("/gtfs/em/").respond_with_data("<html>busy</html>", status=200)
    session = make_session(retries=0)
    url = httpserver.url_for("/gtfs/em/")
    first = bods.fetch(session, "em", url, tmp_path)
    assert first.status == "new" and first.path.read_bytes() == body and first.etag == '"v1"'
    second = bods.fetch(session, "em", url, tmp_path, first.etag, first.last_modified)
    assert second.status == "unchanged" and second.path is None
    with pytest.raises(FeedError, match="did not return a zip"):
        bods.fetch(session, "em", url, tmp_path)


def test_a_broken_live_feed_is_quarantined_and_the_last_good_network_stays(tmp_path, monkeypatch, httpserver):
    """A good feed, then one with a 25:61:00 time: quarantined with its reason; the good version stays current."""
    import dagster as dg
    import duckdb
    import yaml
    from dagster_duckdb import DuckDBResource

    from assets.reference.assets import reference_assets
    from assets.transport.assets import raw_gtfs_feed_versions

    tables = gtfs.read_tables(CHESTER)
    tables["stop_times.txt"].loc[0, "departure_time"] = "25:61:00"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, frame in tables.items():
            z.writestr(name, frame.to_csv(index=False))
    httpserver.expect_ordered_request("/gtfs").respond_with_data(_zip_bytes(), content_type="application/zip")
    httpserver.expect_ordered_request("/gtfs").respond_with_data(buf.getvalue(), content_type="application/zip")
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    "bods": {
                        "live": True,
                        "http_retries": 0,
                        "bbox": [-3.2, 53.0, -2.6, 53.4],
                        "feeds": [{"name": "chester", "url": httpserver.url_for("/gtfs")}],
                    }
                }
            }
        )
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    resources = {
        "warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb")),
        "platform": platform_in(tmp_path, "d"),
    }
    lookup = [a for a in reference_assets if a.key.path[1] == "lsoa21_lookup"]
    for _ in range(2):
        assert dg.materialize([raw_gtfs_feed_versions, *lookup], resources=with_feeds(resources)).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        statuses = conn.execute(
            "select status, errors, version from raw.gtfs_feed_versions order by checked_at"
        ).fetchall()
        quarantined = conn.execute("select reason, field from raw.quarantine where source = 'gtfs'").fetchall()
    assert [s for s, *_ in statuses] == ["valid", "quarantined"]
    assert "stop_times.txt row 1 field departure_time: '25:61:00'" in statuses[1][1]
    assert ("'25:61:00' is not a valid HH:MM:SS time", "departure_time") in quarantined
    assert (tmp_path / "gtfs").exists() and len(list((tmp_path / "gtfs").glob("chester-*.zip"))) == 2


def test_published_travel_times_and_reach(warehouse):
    cols = [
        r[0]
        for r in warehouse.execute(
            "select column_name from information_schema.columns where table_schema = 'published' "
            "and table_name = 'fct_travel_times'"
        ).fetchall()
    ]
    assert {
        "origin_lsoa21cd",
        "destination_lsoa21cd",
        "p50_minutes",
        "p80_minutes",
        "engine",
        "network_version",
    } <= set(cols)
    bad = warehouse.execute(
        "select count(*) from published.fct_travel_times where p80_minutes < p50_minutes "
        "or p50_minutes > 120 or p50_minutes < 0"
    ).fetchone()[0]
    assert bad == 0
    same = warehouse.execute(
        "select max(p50_minutes) from published.fct_travel_times where origin_lsoa21cd = destination_lsoa21cd"
    ).fetchone()[0]
    assert same == 0
    n, flag_follows_network, monotone = warehouse.execute("""
        select count(*), bool_and(synthetic_network = (network_version like '%standin@%')),
               bool_and(jobs_15min <= jobs_30min and jobs_30min <= jobs_45min and jobs_45min <= jobs_60min)
        from published.fct_job_reach_by_lsoa""").fetchone()
    # the synthetic label follows the network actually routed (the stand-in's version names it), so pages
    # and BI tools say "synthetic" exactly when the stand-in was used
    assert n == 1335 and flag_follows_network and monotone


@pytest.mark.parametrize("n_origins,chunks", [(1335, 4), (1335, 7), (5, 8), (1, 1)])
def test_origin_chunks_cover_each_origin_once(n_origins, chunks):
    from assets.transport.matrix import origin_chunks

    parts = origin_chunks(n_origins, chunks)
    covered = [o for c in parts for o in range(c.start, c.stop)]
    assert covered == list(range(n_origins))
    assert len(parts) == min(chunks, n_origins)
    assert max(c.stop - c.start for c in parts) - min(c.stop - c.start for c in parts) <= 1


def test_matrix_fans_out_across_processes_with_the_same_result(refreshed, tmp_path):
    """`escalator travel-times --chunks 3 --processes 2` (the travel_time_matrix job on the multiprocess
    executor) on a copy of the refreshed site cut to 60 LSOAs writes exactly the rows the same network
    gives in one process, each chunk runs in its own process, and the shared warehouse is never written."""
    import os
    import subprocess
    import sys

    import dagster as dg
    import duckdb
    from dagster._core.instance.ref import InstanceRef

    from assets.transport.matrix import Chunk, compute_chunk, load_network
    from tests.dbt_copy import warehouse_copy

    copy = warehouse_copy(tmp_path)
    with duckdb.connect(str(copy)) as conn:
        conn.execute(
            "delete from raw.lsoa21_lookup where lsoa21cd not in "
            "(select lsoa21cd from raw.lsoa21_lookup order by lsoa21cd limit 60)"
        )
    home = tmp_path / "home"
    env = {
        **os.environ,
        "ESCALATOR_WAREHOUSE": str(copy),
        "DAGSTER_HOME": str(home),
        "ESCALATOR_PUBLISHED_DIR": str(tmp_path / "published"),
    }
    subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "travel-times", "--chunks", "3", "--processes", "2"],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    keys = ["origin_lsoa", "destination_lsoa", "window"]
    columns = [*keys, "p50_minutes", "p80_minutes"]
    with duckdb.connect(str(copy), read_only=True) as conn:
        fanned = conn.execute(
            'select origin_lsoa, destination_lsoa, "window", p50_minutes, p80_minutes from derived.travel_times'
        ).df()
    network = load_network(str(copy), "embedded")
    in_process = compute_chunk(network, Chunk(0, 0, len(network.points.codes)))[columns]
    fanned = fanned.sort_values(keys).reset_index(drop=True)
    in_process = in_process.sort_values(keys).reset_index(drop=True)
    assert len(network.points.codes) == 60 and len(fanned) > 1000
    pd.testing.assert_frame_equal(fanned, in_process, check_dtype=False)
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        run = instance.get_runs(dg.RunsFilter(job_name="travel_time_matrix"), limit=1)[0]
        starts = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
    pids = {e.step_key: e.dagster_event.pid for e in starts if "travel_time_chunk[" in e.step_key}
    assert len(pids) == 3 and len(set(pids.values())) == 3  # three chunks, each in its own process


def _chester_points():
    import pandas as pd

    from assets.transport import engine

    stops = gtfs.read_tables(CHESTER)["stops.txt"].head(3)
    return engine.Points.from_frame(
        pd.DataFrame({"lsoa21cd": stops.stop_id, "pwc_lat": stops.stop_lat, "pwc_lon": stops.stop_lon})
    )


def test_r5py_engine_without_a_local_jar_says_so_and_never_downloads(monkeypatch):
    """The engine switch's guard: no R5 jar -> a clear error naming R5_JAR, before r5py is imported (importing
    it without a local jar would try to download one)."""
    import sys
    from datetime import date

    from assets.transport import engine

    monkeypatch.setitem(sys.modules, "r5py", None)  # any import of r5py would fail loudly
    pts = _chester_points()
    with pytest.raises(RuntimeError, match="R5_JAR"):
        engine.r5py_matrix(Path("none.pbf"), [CHESTER], pts, pts, engine.TravelTimeParams(), date(2023, 8, 16), None)


@pytest.mark.skipif(
    not (
        __import__("importlib").util.find_spec("r5py")
        and Path(__import__("os").environ.get("R5_JAR", "/nonexistent")).exists()
        and Path(__import__("os").environ.get("ESCALATOR_TEST_OSM_PBF", "/nonexistent")).exists()
    ),
    reason="needs the r5 extra (uv sync --extra r5), a local R5 jar (R5_JAR) and an OSM extract (ESCALATOR_TEST_OSM_PBF)",
)
def test_r5py_engine_matches_the_embedded_columns_on_chester():  # pragma: no cover - runs where the extra is installed
    import os
    from datetime import date

    from assets.transport import engine

    pts = _chester_points()
    out = engine.r5py_matrix(
        Path(os.environ["ESCALATOR_TEST_OSM_PBF"]),
        [CHESTER],
        pts,
        pts,
        engine.TravelTimeParams(),
        date(2023, 8, 16),
        Path(os.environ["R5_JAR"]),
    )
    assert list(out.columns) == list(engine.COLUMNS) and (out.p80_minutes >= out.p50_minutes).all()


def test_a_valid_live_feed_replaces_the_stand_in_it_stood_in_for(tmp_path):
    """A site that ran on the SYNTHETIC stand-in, then switched BODS on: the network routed is the live
    feed alone (its own routing date, not synthetic), never the two merged."""
    import datetime as dt

    import duckdb

    from assets.transport.assets import FEED_VERSIONS_DDL
    from assets.transport.matrix import load_network
    from assets.transport.standin import build_standin
    from orchestration.settings import EMBEDDED_DIR

    standin = tmp_path / "standin.zip"
    build_standin(EMBEDDED_DIR / "geography" / "emcca_lsoa21_lookup_centroids.csv", standin)
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema raw")
        conn.execute(FEED_VERSIONS_DDL)
        conn.execute("create table raw.lsoa21_lookup (lsoa21cd varchar, pwc_lat double, pwc_lon double)")
        conn.execute("insert into raw.lsoa21_lookup values ('E01000001', 53.19, -2.89)")
        rows = [
            ("emcca_standin", "aaa", str(standin), True, dt.date(2026, 10, 13), dt.datetime(2026, 10, 1)),
            ("east_midlands", "bbb", str(CHESTER), False, dt.date(2023, 8, 22), dt.datetime(2026, 11, 1)),
        ]
        for feed, version, path, synthetic, day, checked in rows:
            conn.execute(
                "insert into raw.gtfs_feed_versions (feed, version, path, synthetic, status, routing_date, checked_at) "
                "values (?, ?, ?, ?, 'valid', ?, ?)",
                [feed, version, path, synthetic, day, checked],
            )
    network = load_network(str(warehouse), "r5py")  # the engine that builds no timetable here
    assert network.version == "east_midlands@bbb/2023-08-22" and network.synthetic is False
    assert network.gtfs_paths == (str(CHESTER),)
    with duckdb.connect(str(warehouse)) as conn:  # the live feed quarantined: the stand-in is routed again
        conn.execute("update raw.gtfs_feed_versions set status = 'quarantined' where feed = 'east_midlands'")
    fallback = load_network(str(warehouse), "r5py")
    assert fallback.synthetic is True and fallback.version.startswith("emcca_standin@aaa")


def test_a_feed_with_no_stop_in_the_routing_area_fails_naming_the_area():
    """Chester's feed routed for EMCCA's box (one of its stops lies inside, but no trip serves it): nothing
    to route on, said as such, not a pandas error from deep inside the build."""
    import re
    from datetime import date

    from assets.transport.assets import EMCCA_BBOX

    tables = gtfs.read_tables(CHESTER)
    services = frozenset(tables["trips.txt"].service_id.unique())
    shown = re.escape(str(tuple(EMCCA_BBOX)))
    with pytest.raises(
        ValueError, match=rf"no trip of the feed\(s\) running on 2023-08-16 stops inside the routing area {shown}"
    ):
        timetable.build(tables, services, date(2023, 8, 16), tuple(EMCCA_BBOX))
