"""JTS-style employment-centre indicators: the small-area Nomis feed against a local server (chunked LSOA
requests, release-aware), and the marts over a copy of the refreshed warehouse. Job and population
counts here are TEST VALUES in Nomis's layout, not BRES or ONS figures (none ship with the project)."""

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from dagster_duckdb import DuckDBResource
from werkzeug import Response

from assets.labour_market.small_area import CHUNK, raw_lsoa_jobs_population
from tests.dbt_copy import dbt_on, warehouse_copy
from tests.feed_resources import with_feeds
from tests.nomis_format import HEADER, definition


def _nomis_csv(request) -> Response:
    codes = request.args["geography"].split(",")
    dataset = request.path.rsplit("/", 1)[-1].split(".")[0]
    measure = "jobs" if dataset == "NM_189_1" else "population"
    rows = [
        {
            "DATE_NAME": "2024",
            "DATE_CODE": "2024",
            "GEOGRAPHY_CODE": c,
            "GEOGRAPHY_NAME": c,
            "GEOGRAPHY_TYPE": "2021 super output areas - lower layer",
            "MEASURES": 20100,
            "MEASURES_NAME": "Value",
            "OBS_VALUE": (600 if i % 10 == 0 else 50) if measure == "jobs" else 1000,
            "OBS_STATUS": "A",
            "OBS_STATUS_NAME": "Normal Value",
        }
        for i, c in enumerate(codes)
    ]
    frame = pd.DataFrame(rows, columns=HEADER)
    frame["RECORD_COUNT"] = len(rows)
    return Response(frame.to_csv(index=False), content_type="text/csv")


@pytest.fixture()
def served(httpserver, tmp_path, monkeypatch):
    for ds in ("NM_189_1", "NM_2014_1"):
        httpserver.expect_request(f"/api/v01/dataset/{ds}.def.sdmx.json").respond_with_json(
            definition(ds, "2026-09-25 09:30:00")
        )
        httpserver.expect_request(f"/api/v01/dataset/{ds}.data.csv").respond_with_handler(_nomis_csv)
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    "nomis_small_area": {"live": True, "base_url": httpserver.url_for("/api/v01"), "http_backoff": 0}
                }
            }
        )
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    return httpserver


def test_small_area_feed_chunks_lsoas_and_skips_an_unchanged_release(refreshed, served, tmp_path):
    copy = warehouse_copy(tmp_path)
    resources = {"warehouse": DuckDBResource(database=str(copy))}
    assert dg.materialize([raw_lsoa_jobs_population], resources=with_feeds(resources)).success
    data_gets = [r for r, _ in served.log if r.path.endswith(".data.csv")]
    assert len(data_gets) == 2 * -(-1335 // CHUNK)  # both datasets, every LSOA in chunks
    assert dg.materialize([raw_lsoa_jobs_population], resources=with_feeds(resources)).success
    assert len([r for r, _ in served.log if r.path.endswith(".data.csv")]) == len(data_gets)
    with duckdb.connect(str(copy), read_only=True) as conn:
        counts = dict(
            conn.execute("select measure, count(distinct lsoa21cd) from raw.lsoa_jobs_population group by 1").fetchall()
        )
    assert counts == {"jobs": 1335, "working_age_population": 1335}

    dbt_on(copy, tmp_path, "stg_nomis__lsoa_jobs_population+", command="build")
    with duckdb.connect(str(copy), read_only=True) as conn:
        access = conn.execute("select * from marts.fct_employment_centre_access").df()
        centres = conn.execute(
            "select lsoa21cd from raw.lsoa_jobs_population where measure = 'jobs' and value >= 500"
        ).df()
        tt = conn.execute(
            "select origin_lsoa21cd, destination_lsoa21cd, p50_minutes from marts.fct_travel_times "
            "where time_window = 'am_peak'"
        ).df()
        reach = conn.execute("select * from marts.fct_employment_centre_reach_by_la").df()
    assert len(access) == 1335
    # brute force: the minimum median time to any 500-4,999 centre, for every origin
    expected = tt[tt.destination_lsoa21cd.isin(centres.lsoa21cd)].groupby("origin_lsoa21cd").p50_minutes.min()
    got = access.set_index("lsoa21cd").minutes_to_centre_500_4999.dropna()
    assert got.sort_index().equals(expected.sort_index())
    assert (access.set_index("lsoa21cd").loc[centres.lsoa21cd, "minutes_to_centre_500_4999"] == 0).all()
    assert access.minutes_to_centre_100_499.isna().all() and access.minutes_to_centre_5000_plus.isna().all()
    emcca = reach[(reach.geography_code == "E47000013") & (reach.centre_band == "500_4999")].sort_values(
        "within_minutes"
    )
    assert emcca.working_age_population.iloc[0] == 1335 * 1000
    shares = emcca.share_within.tolist()
    assert shares == sorted(shares) and 0 < shares[0] <= shares[-1] <= 1
    within_30 = (got <= 30).sum() * 1000 / (1335 * 1000)
    assert emcca.set_index("within_minutes").share_within[30] == round(within_30, 4)
    # the publication gate's suites pass the real marts and catch an impossible share
    from expectations import runner
    from expectations.suites import SUITES

    suites = {x.name: x for x in SUITES}
    assert runner.validate(suites["fct_employment_centre_access"], access, {}).success
    assert runner.validate(suites["fct_employment_centre_reach_by_la"], reach, {}).success
    broken = reach.assign(share_within=reach.share_within + 1.01)
    outcome = runner.validate(suites["fct_employment_centre_reach_by_la"], broken, {})
    assert [f["column"] for f in outcome.failures] == ["share_within"]
