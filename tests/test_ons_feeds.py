"""Live ONS feeds (local HTTP server in the real formats) through the Dagster assets."""

import json

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from dagster_duckdb import DuckDBResource
from werkzeug import Response

from assets.labour_market.connectors.ons_local_stats import OnsLocalStatsClient
from assets.labour_market.nomis import raw_nomis_observations
from assets.labour_market.ons import raw_ons_local_indicators
from assets.platform.http import FeedError, make_session
from orchestration.settings import EMBEDDED_DIR
from tests.dbt_copy import dbt_on, warehouse_copy
from tests.feed_formats import ONS, ons_csv
from tests.feed_resources import platform_in, with_feeds
from tests.nomis_format import definition, employment_rate_rows, to_csv


def _live_config(tmp_path, monkeypatch, sources: dict) -> None:
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(yaml.safe_dump({"sources": sources}))
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))


def _resources(tmp_path):
    return {
        "warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb")),
        "platform": platform_in(tmp_path, "d"),
    }


def test_ons_local_stats_client_reads_csv_and_metadata(httpserver):
    httpserver.expect_request("/employment-rate/employment-rate.csv").respond_with_data(ons_csv("employment-rate"))
    meta = json.loads((EMBEDDED_DIR / "ons/metadata/employment-rate.json").read_text())
    httpserver.expect_request("/employment-rate/employment-rate.json").respond_with_json(meta)
    client = OnsLocalStatsClient(base_url=httpserver.url_for("/"), session=make_session(retries=1, backoff=0))
    frame = client.fetch_csv("employment-rate", keep_areas={"E47000013"})
    assert set(frame.areacd) == {"E47000013"} and set(frame.dataset) == {"employment-rate"}
    assert client.fetch_metadata("employment-rate")["ess-beta-metadata"]["shared"]["sourceDate"] == "16/04/2024"


def test_ons_local_stats_changed_column_and_empty(httpserver):
    httpserver.expect_request("/claimant-count/claimant-count.csv").respond_with_data(
        ons_csv("claimant-count").replace("observation", "obs")
    )
    httpserver.expect_request("/gross-value-added/gross-value-added.csv").respond_with_data("")
    client = OnsLocalStatsClient(base_url=httpserver.url_for("/"), session=make_session(retries=1, backoff=0))
    with pytest.raises(FeedError, match="lacks column\\(s\\) observation"):
        client.fetch_csv("claimant-count")
    with pytest.raises(FeedError, match="empty response"):
        client.fetch_csv("gross-value-added")


def test_live_ons_asset_loads_the_served_files(httpserver, tmp_path, monkeypatch):
    for ds in ["employment-rate", "claimant-count"]:
        httpserver.expect_request(f"/{ds}/{ds}.csv").respond_with_data(ons_csv(ds))
    _live_config(
        tmp_path,
        monkeypatch,
        {
            "ons_local_stats": {
                "live": True,
                "base_url": httpserver.url_for("/"),
                "datasets": ["employment-rate", "claimant-count"],
                "http_backoff": 0,
            }
        },
    )
    result = dg.materialize([raw_ons_local_indicators], resources=with_feeds(_resources(tmp_path)))
    assert result.success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        datasets = {r[0] for r in conn.execute("select distinct dataset from raw.ons_local_indicators").fetchall()}
        emcca = conn.execute(
            "select observation from raw.ons_local_indicators where areacd = 'E47000013' "
            "and indicator = 'Employment rate' and period = '2023-01-01/P1Y'"
        ).fetchone()[0]
    assert datasets == {"employment-rate", "claimant-count"}
    assert emcca == 74.6


EMPLOYMENT_RATE_QUERY = {"indicator_id": "employment_rate", "dataset": "NM_17_5", "params": {"variable": "45"}}


def _nomis_live(tmp_path, monkeypatch, httpserver, codes: list[str], query: dict = EMPLOYMENT_RATE_QUERY) -> dict:
    """Nomis live against the local server: one query (default the APS employment rate) for `codes`."""
    _live_config(
        tmp_path,
        monkeypatch,
        {
            "nomis": {
                "live": True,
                "base_url": httpserver.url_for("/api/v01"),
                "geographies": codes,
                "http_backoff": 0,
                "queries": [query],
            }
        },
    )
    return _resources(tmp_path)


def test_nomis_asset_live_then_failing_feed_keeps_previous_table(httpserver, tmp_path, monkeypatch):
    codes = ["E06000015", "E47000013"]
    httpserver.expect_request("/api/v01/dataset/NM_17_5.def.sdmx.json").respond_with_json(
        definition("NM_17_5", "2026-10-14 09:30:00")
    )
    httpserver.expect_request("/api/v01/dataset/NM_17_5.data.csv").respond_with_data(
        to_csv(employment_rate_rows(codes)), content_type="text/csv"
    )
    resources = _nomis_live(tmp_path, monkeypatch, httpserver, codes)
    assert dg.materialize([raw_nomis_observations], resources=with_feeds(resources)).success
    httpserver.clear()
    # a new release is announced but the data endpoint is down
    httpserver.expect_request("/api/v01/dataset/NM_17_5.def.sdmx.json").respond_with_json(
        definition("NM_17_5", "2026-11-11 09:30:00")
    )
    httpserver.expect_request("/api/v01/dataset/NM_17_5.data.csv").respond_with_response(Response("down", 503))
    failed = dg.materialize([raw_nomis_observations], resources=with_feeds(resources), raise_on_error=False)
    assert not failed.success
    # two step attempts (ESCALATOR_NETWORK_RETRIES=1) x five HTTP tries each (4 retries)
    assert sum(req.path.endswith(".data.csv") for req, _ in httpserver.log) == 10
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select geography_code, value, reliability from raw.nomis_observations order by 1"
        ).fetchall()
    assert [r[0] for r in rows] == codes and all(r[2] == "reliable" for r in rows)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        held = conn.execute("select release from raw.feed_releases where source = 'nomis'").fetchone()[0]
    assert held.startswith("2026-10-14")  # the ledger still names the release the table holds


def test_nomis_rows_not_asked_for_never_reach_the_table_and_are_quarantined(httpserver, tmp_path, monkeypatch):
    """The real asset with the default claimant-count query against an NM_162_1 body holding every MEASURE
    and another geography: the table holds the rate for the requested places only, the rest is in
    raw.quarantine with the field that gave it away, and a 0-byte answer fails the step naming the query."""
    from tests.test_nomis import claimant_count_body

    codes = ["E06000015", "E06000018"]
    httpserver.expect_request("/api/v01/dataset/NM_162_1.def.sdmx.json").respond_with_json(
        definition("NM_162_1", "2026-11-11 09:30:00")
    )
    httpserver.expect_request("/api/v01/dataset/NM_162_1.data.csv").respond_with_data(
        claimant_count_body(codes), content_type="text/csv"
    )
    query = {
        "indicator_id": "claimant_count_rate",
        "dataset": "NM_162_1",
        "params": {"date": "latest", "measure": "2", "measures": "20100"},
    }
    resources = _nomis_live(tmp_path, monkeypatch, httpserver, codes, query)
    assert dg.materialize([raw_nomis_observations], resources=with_feeds(resources)).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        rows = conn.execute("select geography_code, value from raw.nomis_observations order by 1").fetchall()
        quarantined = conn.execute(
            "select field, count(*) from raw.quarantine where source = 'nomis' group by 1"
        ).fetchall()
    assert rows == [("E06000015", 4.7), ("E06000018", 4.7)]
    assert dict(quarantined) == {"MEASURE": 9, "GEOGRAPHY_CODE": 1}
    httpserver.clear()
    httpserver.expect_request("/api/v01/dataset/NM_162_1.def.sdmx.json").respond_with_json(
        definition("NM_162_1", "2026-12-01 09:30:00")
    )
    httpserver.expect_request("/api/v01/dataset/NM_162_1.data.csv").respond_with_data("", content_type="text/csv")
    failed = dg.materialize([raw_nomis_observations], resources=with_feeds(resources), raise_on_error=False)
    assert not failed.success
    message = str(failed.all_node_events)  # the step's failure names the dataset and the query
    assert "Nomis NM_162_1: an empty response (0 bytes) to the data query" in message and "'measure': '2'" in message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:  # the last good table stays
        assert conn.execute("select count(*) from raw.nomis_observations").fetchone()[0] == 2


def _data_requests(httpserver, suffix: str) -> int:
    return sum(req.method == "GET" and req.path.endswith(suffix) for req, _ in httpserver.log)


def test_nomis_refetches_only_when_lastupdated_changes(httpserver, tmp_path, monkeypatch):
    codes = ["E06000015", "E47000013"]
    released = {"at": "2026-10-14 09:30:00"}
    httpserver.expect_request("/api/v01/dataset/NM_17_5.def.sdmx.json").respond_with_handler(
        lambda request: Response(json.dumps(definition("NM_17_5", released["at"])), content_type="application/json")
    )
    httpserver.expect_request("/api/v01/dataset/NM_17_5.data.csv").respond_with_data(
        to_csv(employment_rate_rows(codes)), content_type="text/csv"
    )
    resources = _nomis_live(tmp_path, monkeypatch, httpserver, codes)
    for _ in range(2):
        assert dg.materialize([raw_nomis_observations], resources=with_feeds(resources)).success
    assert _data_requests(httpserver, ".data.csv") == 1  # the second run saw the same release
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.nomis_observations").fetchone()[0] == 2
    released["at"] = "2026-11-11 09:30:00"
    assert dg.materialize([raw_nomis_observations], resources=with_feeds(resources)).success
    assert _data_requests(httpserver, ".data.csv") == 2
    monkeypatch.setenv("ESCALATOR_FORCE_REFETCH", "1")
    assert dg.materialize([raw_nomis_observations], resources=with_feeds(resources)).success
    assert _data_requests(httpserver, ".data.csv") == 3


def test_ons_local_stats_refetches_only_changed_files(httpserver, tmp_path, monkeypatch):
    etags = {"employment-rate": '"a1"', "claimant-count": '"b1"'}
    for ds in etags:
        httpserver.expect_request(f"/{ds}/{ds}.csv").respond_with_handler(
            lambda request, ds=ds: Response(ons_csv(ds), headers={"ETag": etags[ds]}, content_type="text/csv")
        )
    _live_config(
        tmp_path,
        monkeypatch,
        {
            "ons_local_stats": {
                "live": True,
                "base_url": httpserver.url_for("/"),
                "datasets": list(etags),
                "http_backoff": 0,
            }
        },
    )
    resources = _resources(tmp_path)
    assert dg.materialize([raw_ons_local_indicators], resources=with_feeds(resources)).success
    assert dg.materialize([raw_ons_local_indicators], resources=with_feeds(resources)).success
    assert _data_requests(httpserver, ".csv") == 2  # one GET per file, none on the unchanged second run
    etags["claimant-count"] = '"b2"'
    result = dg.materialize([raw_ons_local_indicators], resources=with_feeds(resources))
    meta = result.asset_materializations_for_node("raw__ons_local_indicators")[0].metadata
    assert meta["datasets_refetched"].data == ["claimant-count"]
    assert meta["datasets_unchanged"].data == ["employment-rate"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        counts = dict(conn.execute("select dataset, count(*) from raw.ons_local_indicators group by 1").fetchall())
    ons = ONS[ONS.dataset.isin(list(etags))].groupby("dataset").size().to_dict()
    assert counts == ons  # unchanged rows kept, changed ones replaced, nothing duplicated


def test_nomis_asset_off_gives_an_empty_table(tmp_path, monkeypatch):
    _live_config(tmp_path, monkeypatch, {"nomis": {"live": False}})
    assert dg.materialize([raw_nomis_observations], resources=with_feeds(_resources(tmp_path))).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.nomis_observations").fetchone()[0] == 0


def test_nomis_disability_rates_become_the_gap_in_the_tracker(refreshed, tmp_path):
    """dbt over a copy of the refreshed warehouse with APS rows for disabled / not disabled people (test
    values): the tracker's disability employment gap is their difference, with the CI of a difference,
    rated against the Plan's 28.4 pp; a suppressed input leaves the gap suppressed."""
    from assets.labour_market.official import official_frame
    from assets.platform.warehouse import replace_table, stamp

    copy = warehouse_copy(tmp_path)
    inputs = {
        ("E47000013", "employment_rate_not_disabled"): (82.0, 1.0, "reliable"),
        ("E47000013", "employment_rate_disabled"): (58.0, 2.0, "reliable"),
        ("E06000015", "employment_rate_not_disabled"): (80.0, 3.0, "reliable"),
        ("E06000015", "employment_rate_disabled"): (None, None, "suppressed"),
    }
    rows = pd.DataFrame(
        [
            {
                "indicator_id": ind,
                "dataset": "NM_17_5",
                "geography_code": geo,
                "geography_name": geo,
                "geography_type": "x",
                "period": "2025-12",
                "value": v,
                "numerator": None,
                "denominator": None,
                "ci_half_width": h,
                "obs_status": None,
                "reliability": rel,
            }
            for (geo, ind), (v, h, rel) in inputs.items()
        ]
    )
    with duckdb.connect(str(copy)) as conn:
        replace_table(conn, "raw.nomis_observations", stamp(official_frame(rows)))
    dbt_on(copy, tmp_path, "stg_nomis__observations+")
    with duckdb.connect(str(copy), read_only=True) as conn:
        got = {
            r[0]: r[1:]
            for r in conn.execute(
                """select geography_code, value, lci_95, uci_95, reliability, rag_status, period_end
               from marts.fct_plan_indicators where indicator_id = 'disability_employment_gap'"""
            ).fetchall()
        }
        helpers = conn.execute(
            "select count(*) from intermediate.int_indicator_observations where indicator_id "
            "in ('employment_rate_disabled', 'employment_rate_not_disabled')"
        ).fetchone()[0]
        connected = conn.execute(
            "select source_connected from marts.dim_indicator where indicator_id = 'disability_employment_gap'"
        ).fetchone()[0]
    half = (1.0**2 + 2.0**2) ** 0.5
    value, lci, uci, reliability, rag, end = got["E47000013"]
    assert value == 24.0 and (lci, uci) == (round(24.0 - half, 1), round(24.0 + half, 1))
    assert str(end) == "2025-12-31" and reliability == "precise"  # CV = 4.47 / 3.92 / 24 = 4.8%
    assert rag == "green"  # lower is better; the Plan's 28.4 lies outside the CI
    assert got["E06000015"][0] is None and got["E06000015"][3] == "suppressed"
    assert got["E06000015"][4] == "no data"
    assert helpers == 0 and connected
