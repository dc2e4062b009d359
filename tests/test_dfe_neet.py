"""DfE NEET from the Explore Education Statistics API, against a local server speaking its format: the
data set summary (release marker) and the tidy EES CSV. The percentages below are TEST VALUES in the
real layout, not DfE's published figures (no DfE extract ships with the project)."""

import io
import json
import math

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from dagster_duckdb import DuckDBResource
from werkzeug import Response

from assets.labour_market.connectors import dfe_ees
from assets.labour_market.dfe_neet import raw_dfe_neet_observations
from assets.platform.http import FeedError, make_session
from tests.dbt_copy import dbt_on, warehouse_copy
from tests.feed_formats import DATA_SET, dfe_csv, dfe_summary
from tests.feed_resources import with_feeds


def _config(tmp_path, monkeypatch, httpserver, **extra) -> dict:
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    "dfe_neet": {
                        "live": True,
                        "base_url": httpserver.url_for("/statistics"),
                        "data_set_id": DATA_SET,
                        "http_backoff": 0,
                        "filters": {"age_group": "16-17"},
                        "numerator_column": "NEET_not_known",
                        "denominator_column": "cohort",
                        **extra,
                    }
                }
            }
        )
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    return {"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb"))}


def test_tidy_keeps_tracker_areas_marks_suppression_and_quarantines_bad_periods():
    import io

    import pandas as pd

    frame = pd.read_csv(io.StringIO(dfe_csv()), dtype=str, keep_default_na=False)
    frame.loc[0, "time_period"] = "Dec 2024"
    frame.loc[1, "NEET_not_known_percent"] = "5.5%"
    quarantined = []
    out = dfe_ees.tidy(
        frame,
        DATA_SET,
        "neet_16_24",
        "NEET_not_known_percent",
        {"E92000001", "E12000004", "E06000015", "E06000018"},
        {"age_group": "16-17"},
        "NEET_not_known",
        "cohort",
        quarantined,
    )
    rows = {r.geography_code: r for r in out.itertuples()}
    assert set(rows) == {"E06000015", "E06000018"}  # England and the region quarantined, Durham not ours
    assert rows["E06000015"].value == 7.0 and rows["E06000015"].denominator == 6000
    assert rows["E06000018"].reliability == "suppressed" and math.isnan(rows["E06000018"].value)
    assert [(q.field, q.record_id) for q in quarantined] == [
        ("time_period", f"{DATA_SET} row 2"),
        ("NEET_not_known_percent", f"{DATA_SET} row 3"),
    ]
    assert "'5.5%' is neither a number nor a GSS symbol" in quarantined[1].reason
    with pytest.raises(FeedError, match="row 2 field 'time_period'"):  # no quarantine kept: loud, not dropped
        dfe_ees.tidy(frame, DATA_SET, "neet_16_24", "NEET_not_known_percent", {"E92000001"}, {"age_group": "16-17"})


def test_tidy_names_a_missing_column_and_ambiguous_rows():
    import io

    import pandas as pd

    frame = pd.read_csv(io.StringIO(dfe_csv()), dtype=str, keep_default_na=False)
    with pytest.raises(FeedError, match="column 'NEET_percent' not in the data set"):
        dfe_ees.tidy(frame, DATA_SET, "neet_16_24", "NEET_percent", {"E06000015"})
    with pytest.raises(FeedError, match="several rows for E06000015 2024"):
        dfe_ees.tidy(frame, DATA_SET, "neet_16_24", "NEET_not_known_percent", {"E06000015"})


def test_client_errors_empty_and_changed_column(httpserver):
    client = dfe_ees.EesClient(httpserver.url_for("/statistics"), make_session(retries=0))
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}/csv").respond_with_response(
        Response('{"title":"Not Found","status":404}', 404, content_type="application/problem+json")
    )
    with pytest.raises(FeedError, match="HTTP 404"):
        client.csv(DATA_SET)
    httpserver.clear()
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}/csv").respond_with_data("")
    with pytest.raises(FeedError, match="empty response"):
        client.csv(DATA_SET)
    httpserver.clear()
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}/csv").respond_with_data(
        dfe_csv().replace("geographic_level", "geography_level")
    )
    with pytest.raises(FeedError, match="lacks column\\(s\\) geographic_level"):
        client.csv(DATA_SET)


def test_asset_loads_then_skips_an_unchanged_version_then_keeps_the_table_when_the_feed_fails(
    httpserver, tmp_path, monkeypatch
):
    version = {"v": "1.0"}
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}").respond_with_handler(
        lambda request: Response(json.dumps(dfe_summary(version["v"])), content_type="application/json")
    )
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}/csv").respond_with_data(
        "\ufeff" + dfe_csv(), content_type="text/csv"
    )
    resources = _config(tmp_path, monkeypatch, httpserver)
    assert dg.materialize([raw_dfe_neet_observations], resources=with_feeds(resources)).success
    assert dg.materialize([raw_dfe_neet_observations], resources=with_feeds(resources)).success
    csv_gets = sum(req.path.endswith("/csv") for req, _ in httpserver.log)
    assert csv_gets == 1  # version 1.0 was already held on the second run
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        rows = conn.execute("select geography_code, value from raw.dfe_neet_observations order by 1").fetchall()
    assert rows == [("E06000015", 7.0), ("E06000018", None), ("E12000004", 5.5), ("E92000001", 5.4)]

    version["v"] = "2.0"
    httpserver.clear()
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}").respond_with_json(dfe_summary("2.0"))
    httpserver.expect_request(f"/statistics/v1/data-sets/{DATA_SET}/csv").respond_with_response(Response("down", 503))
    assert not dg.materialize(
        [raw_dfe_neet_observations], resources=with_feeds(resources), raise_on_error=False
    ).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.dfe_neet_observations").fetchone()[0] == 4
        assert (
            conn.execute("select release from raw.feed_releases where source = 'dfe_neet'")
            .fetchone()[0]
            .startswith("1.0")
        )


def test_live_without_a_data_set_id_says_what_to_set(httpserver, tmp_path, monkeypatch):
    resources = _config(tmp_path, monkeypatch, httpserver, data_set_id="")
    result = dg.materialize([raw_dfe_neet_observations], resources=with_feeds(resources), raise_on_error=False)
    assert not result.success
    failure = result.failure_data_for_node("raw__dfe_neet_observations")
    assert "data_set_id is not set" in str(failure.error)


def test_dfe_rows_reach_the_tracker_mart(refreshed, tmp_path):
    """dbt over a copy of the refreshed warehouse with DfE rows loaded: NEET stops being 'no source
    connected' and carries DfE's December-February period."""
    import pandas as pd

    from assets.labour_market.official import official_frame
    from assets.platform.warehouse import replace_table, stamp

    copy = warehouse_copy(tmp_path)
    rows = pd.DataFrame(
        [
            {
                "indicator_id": "neet_16_24",
                "dataset": DATA_SET,
                "geography_code": "E06000015",
                "geography_name": "Derby",
                "geography_type": "Local authority",
                "period": "2024",
                "value": 7.0,
                "numerator": 420,
                "denominator": 6000,
                "obs_status": "A",
                "reliability": "reliable",
            }
        ]
    )
    with duckdb.connect(str(copy)) as conn:
        replace_table(conn, "raw.dfe_neet_observations", stamp(official_frame(rows)))
    dbt_on(copy, tmp_path, "stg_dfe__neet_observations+")
    with duckdb.connect(str(copy), read_only=True) as conn:
        got = conn.execute("""select value, source, period_start, period_end, rag_status
                              from marts.fct_plan_indicators
                              where indicator_id = 'neet_16_24' and geography_code = 'E06000015'""").fetchall()
    assert len(got) == 1
    value, source, start, end, rag = got[0]
    assert (value, source) == (7.0, "DfE NEET statistics (EES API)")
    assert (str(start), str(end)) == ("2023-12-01", "2024-02-29")  # time_period 2024: the average ending in 2024
    assert rag != "no source connected"
    # DfE delivered Derby only: Table 8.1's EMCCA row (baseline 14.7) stays, saying no EMCCA figure came
    with duckdb.connect(str(copy), read_only=True) as conn:
        emcca = conn.execute("""select baseline_value, value, rag_status, rag_reason, plan_row
                                from marts.fct_plan_indicators
                                where indicator_id = 'neet_16_24' and geography_code = 'E47000013' and is_latest""").fetchall()
    assert len(emcca) == 1 and emcca[0][:3] == (14.7, None, "no data") and emcca[0][4] is not None
    assert emcca[0][3].startswith("no data from ") and "for this geography" in emcca[0][3]


def test_upper_tier_rows_are_combined_to_emcca_with_the_method_stated():
    """The real file publishes Derby, Nottingham, Derbyshire (E10000007) and Nottinghamshire (E10000024):
    the counties are kept, and EMCCA is their summed NEET-or-not-known count over their summed cohort."""
    from assets.labour_market.dfe_neet import with_emcca_from_upper_tier

    la = "2024,Calendar year,Local authority,E92000001,England,E12000004,East Midlands"
    rows = [
        f"{la},E06000015,Derby,831,16-17,6000,420,7.0",
        f"{la},E06000018,Nottingham,892,16-17,6500,390,6.0",
        f"{la},E10000007,Derbyshire,830,16-17,16000,640,4.0",
        f"{la},E10000024,Nottinghamshire,891,16-17,17000,850,5.0",
    ]
    data = pd.read_csv(io.StringIO(dfe_csv(rows)), dtype=str, keep_default_na=False)
    areas = {"E06000015", "E06000018", "E10000007", "E10000024", "E47000013"}
    tidy = dfe_ees.tidy(
        data, DATA_SET, "neet_16_24", "NEET_not_known_percent", areas, None, "NEET_not_known", "cohort", []
    )
    out = with_emcca_from_upper_tier(tidy).set_index("geography_code")
    assert {"E10000007", "E10000024", "E47000013"} <= set(out.index)
    assert out.loc["E47000013", "value"] == round(100 * (420 + 390 + 640 + 850) / (6000 + 6500 + 16000 + 17000), 1)
    assert out.loc["E47000013", "geography_type"].startswith("derived: sum of Derby, Nottingham")
    # one of the four suppressed: no EMCCA figure is made up
    rows[1] = f"{la},E06000018,Nottingham,892,16-17,6500,c,c"
    data = pd.read_csv(io.StringIO(dfe_csv(rows)), dtype=str, keep_default_na=False)
    tidy = dfe_ees.tidy(
        data, DATA_SET, "neet_16_24", "NEET_not_known_percent", areas, None, "NEET_not_known", "cohort", []
    )
    assert "E47000013" not in set(with_emcca_from_upper_tier(tidy).geography_code)
