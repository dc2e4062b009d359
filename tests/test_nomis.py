"""The Nomis connector against a local HTTP server speaking the Nomis API's CSV layout."""

import pandas as pd
import pytest
from werkzeug import Response

from assets.labour_market.connectors.nomis import SELECT, NomisClient, tidy
from assets.labour_market.nomis import DEFAULT_NOMIS_QUERIES, fetch_nomis
from assets.platform.http import FeedError, make_session
from tests.nomis_format import STATUS_NAMES, employment_rate_rows, to_csv

CODES = ["E06000015", "E06000018", "E07000032", "E07000033", "E47000013", "E12000004", "E92000001"]
PATH = "/api/v01/dataset/NM_17_5.data.csv"
CSV = "text/csv"


def client(httpserver, uid=None):
    return NomisClient(base_url=httpserver.url_for("/api/v01"), uid=uid, session=make_session(retries=3, backoff=0))


def test_pages_until_record_count_and_sends_the_real_query(httpserver):
    rows = employment_rate_rows(CODES)
    first, rest = rows[:8], rows[8:]
    httpserver.expect_ordered_request(
        PATH,
        query_string={
            "geography": ",".join(CODES),
            "date": "latest",
            "variable": "45",
            "measures": "20599,21003",
            "select": "date_name,date_code,geography_code,geography_name,geography_type,measures,measures_name,"
            "obs_value,obs_status,obs_status_name,record_count,variable",
        },
    ).respond_with_data(to_csv(first, record_count=len(rows)), content_type=CSV)
    httpserver.expect_ordered_request(
        PATH,
        query_string={
            "geography": ",".join(CODES),
            "date": "latest",
            "variable": "45",
            "measures": "20599,21003",
            "select": "date_name,date_code,geography_code,geography_name,geography_type,measures,measures_name,"
            "obs_value,obs_status,obs_status_name,record_count,variable",
            "recordoffset": "8",
        },
    ).respond_with_data(to_csv(rest, record_count=len(rows)), content_type=CSV)
    frame = client(httpserver).fetch(
        "NM_17_5", {"geography": ",".join(CODES), "date": "latest", "variable": "45", "measures": "20599,21003"}
    )
    assert len(frame) == len(rows) == 2 * len(CODES)
    httpserver.check_assertions()


def test_tidy_pivots_value_and_ci_and_flags_markers(httpserver):
    rows = employment_rate_rows(CODES)
    for r in rows:  # Nottingham unreliable, Derby suppressed: the SDMX codes Nomis uses
        if r["GEOGRAPHY_CODE"] == "E06000018":
            r["OBS_STATUS"], r["OBS_STATUS_NAME"] = "U", STATUS_NAMES["U"]
        if r["GEOGRAPHY_CODE"] == "E06000015":
            r["OBS_STATUS"], r["OBS_STATUS_NAME"] = "Q", STATUS_NAMES["Q"]
    httpserver.expect_request(PATH).respond_with_data(to_csv(rows), content_type=CSV)
    out = tidy("employment_rate", "NM_17_5", client(httpserver).fetch("NM_17_5", {})).set_index("geography_code")
    ons = pd.read_csv("data/embedded/ons/emcca_local_indicators_long.csv")
    emcca = ons[
        (ons.areacd == "E47000013") & (ons.indicator == "Employment rate") & (ons.period == "2023-01-01/P1Y")
    ].iloc[0]
    assert out.loc["E47000013", "value"] == emcca.observation
    assert out.loc["E47000013", "ci_half_width"] == pytest.approx((emcca.uci_95 - emcca.lci_95) / 2, abs=0.05)
    assert out.loc["E06000018", "reliability"] == "unreliable"
    assert out.loc["E06000015", "reliability"] == "suppressed" and pd.isna(out.loc["E06000015", "value"])
    assert out.loc["E47000013", "reliability"] == "reliable"


def test_retries_on_429_and_503_then_succeeds(httpserver):
    rows = employment_rate_rows(CODES[:2])
    httpserver.expect_ordered_request(PATH).respond_with_response(
        Response("slow down", 429, headers={"Retry-After": "0"})
    )
    httpserver.expect_ordered_request(PATH).respond_with_response(Response("unavailable", 503))
    httpserver.expect_ordered_request(PATH).respond_with_data(to_csv(rows), content_type=CSV)
    assert len(client(httpserver).fetch("NM_17_5", {})) == len(rows)


def test_error_response_fails_loudly_without_leaking_the_key(httpserver):
    httpserver.expect_request(PATH).respond_with_data(
        "<error><message>Invalid geography</message></error>", status=400, content_type="text/xml"
    )
    with pytest.raises(FeedError) as err:
        client(httpserver, uid="0xSECRETKEY").fetch("NM_17_5", {"geography": "nonsense"})
    assert "Nomis NM_17_5: HTTP 400" in str(err.value)
    assert "0xSECRETKEY" not in str(err.value) and "uid=***" in str(err.value)


def test_persistent_5xx_gives_up_with_feed_error(httpserver):
    httpserver.expect_request(PATH).respond_with_response(Response("down", 500))
    with pytest.raises(FeedError, match="Nomis NM_17_5: HTTP 500"):
        client(httpserver).fetch("NM_17_5", {})
    assert len(httpserver.log) == 4  # the first try and three retries


def test_a_zero_byte_answer_to_a_data_query_is_an_error_naming_the_query(httpserver):
    """Real Nomis answers a query it cannot serve with status 200 and no body: never 'no rows'."""
    httpserver.expect_request(PATH).respond_with_data("", content_type=CSV)
    with pytest.raises(FeedError, match=r"Nomis NM_17_5: an empty response \(0 bytes\).*'variable': '999'"):
        client(httpserver).fetch("NM_17_5", {"geography": "E06000015", "variable": "999"})


def claimant_count_body(codes: list[str]) -> str:
    """NM_162_1 as Nomis returns it when the query's `measure` is ignored: four MEASURE rows per
    geography and month (1 count, 2 rate, 3 and 4 the shares), each with MEASURES 20100 "Value", and a
    geography nobody asked for (Kirklees). Values are test values; the layout is the real one."""
    header = "DATE_NAME,DATE_CODE,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GEOGRAPHY_TYPE,MEASURES,MEASURES_NAME,OBS_VALUE,"
    header += "OBS_STATUS,OBS_STATUS_NAME,RECORD_COUNT,MEASURE,GENDER,AGE,MEASURE_NAME"
    names = {"1": "Claimant count", "2": "Claimants as a proportion of residents aged 16-64"}
    lines = []
    for code, name in [(c, c) for c in codes] + [("E08000034", "Kirklees")]:
        for measure, value in (("1", "13090"), ("2", "4.7"), ("3", "51.2"), ("4", "48.8")):
            lines.append(
                f"February 2026,2026-02,{code},{name},local authorities: district / unitary (as of April 2023),"
                f"20100,Value,{value},A,Normal Value,RECORD,{measure},0,0,{names.get(measure, 'test measure')}"
            )
    body = [header] + [line.replace("RECORD", str(len(lines))) for line in lines]
    return "\r\n".join(body) + "\r\n"


def test_rows_the_query_did_not_ask_for_are_quarantined_with_field_and_value(httpserver):
    """Only measure 2 (the rate) for the requested geographies reaches the table; the count, the shares
    and Kirklees are reported with the field that gives each away; a requested geography with no rows is
    named."""
    from assets.labour_market.nomis import FetchReport

    query = next(q for q in DEFAULT_NOMIS_QUERIES if q.indicator_id == "claimant_count_rate")
    asked = ["E06000015", "E06000018", "E47000013"]
    httpserver.expect_request("/api/v01/dataset/NM_162_1.data.csv").respond_with_data(
        claimant_count_body(asked[:2]), content_type=CSV
    )
    report = FetchReport()
    got = fetch_nomis(client(httpserver), [query], asked, report).set_index("geography_code")
    assert sorted(got.index) == ["E06000015", "E06000018"] and (got.value == 4.7).all()
    fields = {(r.field, r.record["GEOGRAPHY_CODE"]) for r in report.unrequested}
    assert ("GEOGRAPHY_CODE", "E08000034") in fields and ("MEASURE", "E06000015") in fields
    assert len(report.unrequested) == 4 * 3 - 2  # everything but the two rate rows asked for
    kirklees = next(r for r in report.unrequested if r.field == "GEOGRAPHY_CODE")
    assert "returned GEOGRAPHY_CODE 'E08000034', which the query" in kirklees.reason
    assert report.missing == {"claimant_count_rate": ["E47000013"]}


def job_density_body(codes: list[str], years: range, drop: str | None = None) -> str:
    """NM_57_1 as Nomis returns it when `item` and `date` are ignored: ITEM 1 (total jobs) and 3 (jobs
    density) for every year. Values are test values; the layout is the real one."""
    rows = [
        {
            "DATE_NAME": str(year),
            "DATE_CODE": str(year),
            "GEOGRAPHY_CODE": code,
            "GEOGRAPHY_NAME": code,
            "GEOGRAPHY_TYPE": "local authorities: district / unitary (as of April 2023)",
            "MEASURES": "20100",
            "MEASURES_NAME": "Value",
            "OBS_VALUE": value,
            "OBS_STATUS": "A",
            "OBS_STATUS_NAME": "Normal Value",
            "ITEM": item,
            "ITEM_NAME": name,
        }
        for code in codes
        for year in years
        for item, name, value in (("1", "Total jobs", "183000"), ("3", "Jobs density", "0.66"))
    ]
    return to_csv(rows, drop=drop, extra=("ITEM", "ITEM_NAME"))


def test_periods_and_items_the_query_did_not_ask_for_are_quarantined(httpserver):
    """`latestMINUS4-latest` asks for the five newest years: older years come back as DATE_CODE rows not
    asked for, total jobs as ITEM rows; only jobs density for 2019-2023 reaches the table."""
    from assets.labour_market.nomis import FetchReport

    query = next(q for q in DEFAULT_NOMIS_QUERIES if q.indicator_id == "job_density")
    httpserver.expect_request("/api/v01/dataset/NM_57_1.data.csv").respond_with_data(
        job_density_body(CODES[:1], range(2016, 2024)), content_type=CSV
    )
    report = FetchReport()
    got = fetch_nomis(client(httpserver), [query], CODES[:1], report)
    assert sorted(got.period) == ["2019", "2020", "2021", "2022", "2023"] and (got.value == 0.66).all()
    fields = sorted({(r.field, r.record[r.field]) for r in report.unrequested})
    assert fields == [("DATE_CODE", "2016"), ("DATE_CODE", "2017"), ("DATE_CODE", "2018"), ("ITEM", "1")]
    assert len(report.unrequested) == 16 - 5


def test_a_picked_dimension_missing_from_the_response_fails_naming_it(httpserver):
    """The query picks item 3; a body without the ITEM column cannot show which item each row is."""
    query = next(q for q in DEFAULT_NOMIS_QUERIES if q.indicator_id == "job_density")
    httpserver.expect_request("/api/v01/dataset/NM_57_1.data.csv").respond_with_data(
        job_density_body(CODES[:1], range(2023, 2024), drop="ITEM"), content_type=CSV
    )
    with pytest.raises(FeedError, match=r"Nomis NM_57_1 \(job_density\): the query picks item=3 but the response"):
        fetch_nomis(client(httpserver), [query], CODES[:1])


@pytest.mark.parametrize(
    "date, expected",
    [
        ("latest", (1, set())),
        ("latestMINUS11-latest", (12, set())),
        ("latestMINUS4,latest", (5, set())),
        ("2023-12,2024-12", (0, {"2023-12", "2024-12"})),
        ("prevyear", None),
    ],
)
def test_requested_periods_reads_the_nomis_date_forms(date, expected):
    from assets.labour_market.connectors.nomis import requested_periods

    assert requested_periods(date) == expected


def test_changed_column_names_the_column(httpserver):
    httpserver.expect_request(PATH).respond_with_data(
        to_csv(employment_rate_rows(CODES[:1]), drop="OBS_VALUE"), content_type=CSV
    )
    with pytest.raises(FeedError, match="lacks column\\(s\\) OBS_VALUE"):
        client(httpserver).fetch("NM_17_5", {})


def test_html_instead_of_csv_is_rejected(httpserver):
    httpserver.expect_request(PATH).respond_with_data("<html>maintenance</html>", content_type="text/html")
    with pytest.raises(FeedError, match="expected CSV"):
        client(httpserver).fetch("NM_17_5", {})


def test_api_key_is_sent_as_uid(httpserver):
    httpserver.expect_request(PATH, query_string={"select": ",".join(SELECT), "uid": "0xKEY"}).respond_with_data(
        to_csv(employment_rate_rows(CODES[:1])), content_type=CSV
    )
    assert len(client(httpserver, uid="0xKEY").fetch("NM_17_5", {})) == 2


def test_a_dimension_code_that_means_something_else_fails_the_feed(httpserver):
    """Queries carry the variable name they expect; the response's VARIABLE_NAME (asked for with select=)
    must match, or the feed fails naming the query instead of publishing another series."""
    query = next(q for q in DEFAULT_NOMIS_QUERIES if q.indicator_id == "female_employment_rate")
    rows = employment_rate_rows(CODES[:2])

    def served(name):
        return to_csv([{**r, "VARIABLE": "63", "VARIABLE_NAME": name} for r in rows])

    httpserver.expect_ordered_request(
        PATH,
        query_string={
            "geography": ",".join(CODES[:2]),
            **query.params,
            "select": ",".join([*SELECT, "variable", "variable_name"]),
        },
    ).respond_with_data(served("Employment rate females - aged 16-64"), content_type=CSV)
    httpserver.expect_ordered_request(PATH).respond_with_data(
        served("Employment rate males - aged 16-64"), content_type=CSV
    )
    got = fetch_nomis(client(httpserver), [query], CODES[:2])
    assert set(got.indicator_id) == {"female_employment_rate"} and len(got) == 2
    with pytest.raises(FeedError, match=r"female_employment_rate.*Employment rate males - aged 16-64.*variable"):
        fetch_nomis(client(httpserver), [query], CODES[:2])
    httpserver.check_assertions()


def test_default_queries_cover_the_aps_rows_of_table_8_1():
    by_id = {q.indicator_id: q for q in DEFAULT_NOMIS_QUERIES}
    assert {
        "employment_rate",
        "female_employment_rate",
        "inactive_want_job",
        "employment_rate_disabled",
        "employment_rate_not_disabled",
    } <= set(by_id)
    aps = [q for q in DEFAULT_NOMIS_QUERIES if q.dataset == "NM_17_5"]
    assert all(q.expect.get("variable_name") for q in aps)  # every APS code is checked against its name
    assert len({q.params["variable"] for q in aps}) == len(aps)
