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
from tests.feed_resources import with_feeds

LAS = [("E06000015", "Derby"), ("E06000018", "Nottingham")]


EMPLOYMENT_VALUE = "str:value:UC_Monthly:V_F_UC_CASELOAD_FULL:EMPLOYMENT_CODE:C_UC_EMPLOYMENT_2023_BAND:"


def _response(employment_field=statxplore.EMPLOYMENT_FIELD, values=None) -> dict:
    """The shape Stat-Xplore returns: fields with items (labels, uris), cubes keyed by measure uri; one
    month, two LAs, and the employment indicator's three bands (unknown included)."""
    return {
        "query": {"database": "str:database:UC_Monthly"},
        "database": {"id": "str:database:UC_Monthly", "label": "People on Universal Credit"},
        "measures": [{"uri": statxplore.MEASURE, "label": "People on Universal Credit"}],
        "fields": [
            {
                "uri": statxplore.GEO_FIELD,
                "label": "National - Regional - LA - OAs",
                "items": [
                    {"type": "RecodeItem", "labels": [name], "uris": [statxplore.GEO_VALUE + code]}
                    for code, name in LAS
                ],
            },
            {
                "uri": statxplore.DATE_FIELD,
                "label": "Month",
                "items": [
                    {
                        "type": "RecordItem",
                        "labels": ["October 2026"],
                        "uris": ["str:value:UC_Monthly:F_UC_DATE:DATE_NAME:C_UC_DATE:202610"],
                    }
                ],
            },
            {
                "uri": employment_field,
                "label": "Employment indicator",
                "items": [
                    {"type": "RecordItem", "labels": ["Not in employment"], "uris": [EMPLOYMENT_VALUE + "0"]},
                    {
                        "type": "RecordItem",
                        "labels": ["In employment (PAYE) or self-employment"],
                        "uris": [EMPLOYMENT_VALUE + "1"],
                    },
                    {"type": "RecordItem", "labels": ["Unknown or missing"], "uris": [EMPLOYMENT_VALUE + "99"]},
                ],
            },
        ],
        "cubes": {
            statxplore.MEASURE: {
                "values": values if values is not None else [[[11900.0, 6100.0, 0.0]], [[14700.0, 7300.0, 40.0]]]
            }
        },
    }


def test_client_posts_the_query_with_the_key_and_tidies_the_cube(httpserver):
    query = statxplore.default_query([c for c, _ in LAS])
    assert query["recodes"][statxplore.GEO_FIELD]["map"][0] == [
        "str:value:UC_Monthly:V_F_UC_CASELOAD_FULL:COA_CODE:V_C_MASTERGEOG21_LA_TO_REGION:E06000015"
    ]
    httpserver.expect_request("/table", method="POST", headers={"APIKey": "k-123"}, json=query).respond_with_json(
        _response()
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
    renamed = _response(employment_field="str:field:UC_Monthly:V_F_UC_CASELOAD_FULL:EMPLOYMENT_STATUS")
    with pytest.raises(FeedError, match="field '.*EMPLOYMENT_CODE' missing"):
        statxplore.uc_not_in_employment(statxplore.tidy(renamed), query)
    relabelled = _response()
    relabelled["fields"][2]["items"][0]["labels"] = ["Out of work"]
    with pytest.raises(FeedError, match="no 'Not in employment' item"):
        statxplore.uc_not_in_employment(statxplore.tidy(relabelled), query)
    with pytest.raises(
        FeedError,
        match="1 cell\\(s\\) are not counts, e.g. Derby / October 2026 / "
        "In employment \\(PAYE\\) or self-employment: empty",
    ):
        statxplore.uc_not_in_employment(
            statxplore.tidy(_response(values=[[[11900.0, None, 0.0]], [[14700.0, 7300.0, 40.0]]])), query
        )
    with pytest.raises(FeedError, match="cube shape does not match field"):
        statxplore.tidy(_response(values=[[[1.0, 2.0, 3.0]]]))


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
    httpserver.expect_ordered_request("/table", method="POST").respond_with_json(_response())
    httpserver.expect_ordered_request("/table", method="POST").respond_with_json({**_response(), "cubes": {}})
    assert dg.materialize([raw_statxplore_observations], resources=with_feeds(resources)).success
    failed = dg.materialize([raw_statxplore_observations], resources=with_feeds(resources), raise_on_error=False)
    assert not failed.success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select indicator_id, geography_code, value from raw.statxplore_observations order by 2"
        ).fetchall()
    assert rows == [("uc_not_in_employment", "E06000015", 66.1), ("uc_not_in_employment", "E06000018", 66.7)]
