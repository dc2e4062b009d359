"""DWP Stat-Xplore connector against a local server speaking its /table format: a good response, an
authorisation error, an empty cube and a renamed field."""

import dagster as dg
import duckdb
import pytest
import yaml
from dagster_duckdb import DuckDBResource

from assets.labour_market.connectors import statxplore
from assets.labour_market.statxplore import raw_statxplore_observations
from assets.platform.http import FeedError, make_session
from tests.feed_formats import LAS, statxplore_response
from tests.feed_resources import with_feeds


def test_client_posts_the_query_with_the_key_and_tidies_the_cube(httpserver):
    query = statxplore.default_query([c for c, _ in LAS])
    assert query["recodes"][statxplore.GEO_FIELD]["map"][0] == [
        "str:value:UC_Monthly:V_F_UC_CASELOAD_FULL:COA_CODE:V_C_MASTERGEOG21_LA_TO_REGION:E06000015"
    ]
    httpserver.expect_request("/table", method="POST", headers={"APIKey": "k-123"}, json=query).respond_with_json(
        statxplore_response()
    )
    client = statxplore.StatXploreClient("k-123", make_session(retries=0), httpserver.url_for(""))
    rows = statxplore.uc_not_in_employment(statxplore.tidy(client.table(query)), query).set_index("geography_code")
    assert rows.loc["E06000015", "value"] == round(100 * 11900 / 18000, 1)
    # people whose employment is unknown count in the denominator only
    assert rows.loc["E06000018", "numerator"] == 14700 and rows.loc["E06000018", "denominator"] == 22040
    assert rows.loc["E06000018", "geography_name"] == "Nottingham"
    assert set(rows.period) == {"2026-10"}


def test_errors_are_loud_and_name_the_problem(httpserver):
    query = statxplore.default_query([c for c, _ in LAS])
    client = statxplore.StatXploreClient("bad", make_session(retries=0), httpserver.url_for(""))
    httpserver.expect_ordered_request("/table", method="POST").respond_with_json(
        {"message": "Invalid API key"}, status=401
    )
    with pytest.raises(FeedError, match="HTTP 401.*Invalid API key"):
        client.table({})
    renamed = statxplore_response(employment_field="str:field:UC_Monthly:V_F_UC_CASELOAD_FULL:EMPLOYMENT_STATUS")
    with pytest.raises(FeedError, match="field '.*EMPLOYMENT_CODE' missing"):
        statxplore.uc_not_in_employment(statxplore.tidy(renamed), query)
    relabelled = statxplore_response()
    relabelled["fields"][2]["items"][0]["labels"] = ["Out of work"]
    with pytest.raises(FeedError, match="no 'Not in employment' item"):
        statxplore.uc_not_in_employment(statxplore.tidy(relabelled), query)
    with pytest.raises(
        FeedError,
        match="1 cell\\(s\\) are not counts, e.g. Derby / October 2026 / "
        "In employment \\(PAYE\\) or self-employment: empty",
    ):
        statxplore.uc_not_in_employment(
            statxplore.tidy(statxplore_response(values=[[[11900.0, None, 0.0]], [[14700.0, 7300.0, 40.0]]])), query
        )
    with pytest.raises(FeedError, match="cube shape does not match field"):
        statxplore.tidy(statxplore_response(values=[[[1.0, 2.0, 3.0]]]))


def test_asset_loads_live_rows_and_an_empty_cube_keeps_the_previous_table(tmp_path, monkeypatch, httpserver):
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {"sources": {"statxplore": {"live": True, "http_retries": 0, "base_url": httpserver.url_for("")}}}
        )
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    monkeypatch.setenv("STATXPLORE_API_KEY", "k-123")
    resources = {"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb"))}
    httpserver.expect_ordered_request("/table", method="POST").respond_with_json(statxplore_response())
    httpserver.expect_ordered_request("/table", method="POST").respond_with_json({**statxplore_response(), "cubes": {}})
    assert dg.materialize([raw_statxplore_observations], resources=with_feeds(resources)).success
    failed = dg.materialize([raw_statxplore_observations], resources=with_feeds(resources), raise_on_error=False)
    assert not failed.success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select indicator_id, geography_code, value from raw.statxplore_observations order by 2"
        ).fetchall()
    assert rows == [("uc_not_in_employment", "E06000015", 66.1), ("uc_not_in_employment", "E06000018", 66.7)]
