"""ONS online job adverts (labour demand volumes by SOC 2020) against a local server speaking the ONS
website's format: the `/data` JSON of the dataset and edition pages and an xlsx workbook laid out as
ONS's (tests/ons_adverts_format.py). The counts are TEST VALUES in the real layout, not ONS figures."""

from datetime import date

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from dagster_duckdb import DuckDBResource
from werkzeug import Response

import tests.ons_adverts_format as fmt
from assets.jobads.connectors import ons_job_adverts as ons_ads
from assets.jobads.ons_volumes import raw_ons_job_advert_volumes
from assets.platform.http import FeedError, make_session
from tests.dbt_copy import dbt_on, warehouse_copy
from tests.feed_resources import with_feeds

OURS = {"E06000015", "E06000018"}


def _parse(content: bytes, quarantined=None, regions=("East Midlands",)):
    return ons_ads.parse_workbook(
        content, OURS, set(regions), "test-release", quarantined if quarantined is not None else []
    )


def test_reads_our_local_authorities_quarterly_and_the_region_monthly_as_published():
    out = _parse(fmt.workbook())
    la = out[out.frequency == "quarterly"]
    assert set(la.geography_code) == OURS  # Leicester (another region's LA) and London skipped
    derby_it = la[(la.geography_code == "E06000015") & (la.soc2020 == "2134")].set_index("period_label")
    assert derby_it.loc["2025Q3", "adverts"] == 40 and derby_it.loc["2025Q3", "source_cell"] == "Table 5!G6"
    assert derby_it.loc["2026Q2", "status"] == "suppressed" and derby_it.loc["2026Q2", "marker"] == "x"
    assert derby_it.loc["2026Q2", "adverts"] is not None and str(derby_it.loc["2026Q2", "adverts"]) == "<NA>"
    q = derby_it.loc["2026Q1"]
    assert (q.period_start.date(), q.period_end.date()) == (date(2026, 1, 1), date(2026, 3, 31))
    unknown = la[(la.geography_code == "E06000015") & la.soc2020.isna()]
    assert len(unknown) == 4 and set(unknown.soc2020_title) == {"Unknown"}  # uncoded adverts kept
    region = out[out.frequency == "monthly"]
    assert set(region.geography_code) == {"E12000004"}  # West Midlands skipped
    jul = region[(region.soc2020 == "6135") & (region.period_label == "Jul-26")].iloc[0]
    assert (jul.adverts, jul.period_start.date(), jul.period_end.date()) == (1702, date(2026, 7, 1), date(2026, 7, 31))
    assert len(out) == (5 * 4) + (2 * 3)  # 5 LA rows x 4 quarters + 2 region rows x 3 months


def test_bad_cells_and_rows_are_quarantined_with_their_address():
    rows = [list(r) for r in fmt.LA_ROWS]
    rows[1] = (*rows[1][:6], [410, "n/a", 12.5, ""])  # Derby 6135: text, fraction, empty
    rows[3] = (*rows[3][:3], "61X5", *rows[3][4:])  # Nottingham: a SOC code that is not one
    rows.append(
        ("East Midlands", "Derbyshire and Nottinghamshire", "Erewash", "6135", "Care workers", "", [1, 2, 3, 4])
    )
    rows.append(fmt.LA_ROWS[4])  # Nottingham 8214 again
    quarantined = []
    out = _parse(fmt.workbook(la_rows=[tuple(r) for r in rows]), quarantined)
    got = {(q.record_id, q.field): q.reason for q in quarantined}
    assert "neither a count nor an ONS shorthand" in got[("Table 5!H7", "adverts")]
    assert "not a non-negative whole count: 12.5" in got[("Table 5!I7", "adverts")]
    assert "empty cell" in got[("Table 5!J7", "adverts")]
    assert "'61X5'" in got[("Table 5!D9", "SOC 4 digit code")]
    assert "Erewash" in got[("Table 5!A13", "Local Authority Code")]
    assert "second row for E06000018 and SOC 8214 (first in row 10)" in got[("Table 5!A14", "SOC 4 digit code")]
    assert len(quarantined) == 6
    assert out[(out.geography_code == "E06000018") & (out.soc2020 == "8214")].adverts.tolist() == [60, 70, 66, 71]
    # the good cell of the bad row stays; nothing else of that row is invented
    derby_care = out[(out.geography_code == "E06000015") & (out.soc2020 == "6135")]
    assert derby_care.period_label.tolist() == ["2025Q3"]
    assert not (out.soc2020 == "61X5").any()


def test_a_changed_layout_fails_loudly_naming_sheet_and_column():
    header = [
        "Region",
        "ITL2",
        "Local Authority District",
        "SOC 4 digit code",
        "SOC 4 digit label",
        "LAD23CD",
        *fmt.QUARTERS,
    ]
    with pytest.raises(FeedError, match="Table 5 header \\(row 5\\) lacks column\\(s\\) 'Local Authority Code'"):
        _parse(fmt.workbook(la_header=header))
    header = [
        "Region",
        "ITL2",
        "Local Authority District",
        "SOC 4 digit code",
        "SOC 4 digit label",
        "Local Authority Code",
        "Latest",
        "Previous",
        "Earlier",
        "Earliest",
    ]
    with pytest.raises(FeedError, match="no period columns"):
        _parse(fmt.workbook(la_header=header))
    header = [
        "Region",
        "ITL2",
        "Local Authority District",
        "SOC 4 digit code",
        "SOC 4 digit label",
        "Local Authority Code",
        *fmt.QUARTERS[:3],
        "2026 quarter 2",
    ]
    with pytest.raises(FeedError, match="column\\(s\\) '2026 quarter 2' among the periods"):
        _parse(fmt.workbook(la_header=header))
    header = [*header[:9], "2026Q2 [note 4]"]  # ONS footnote markers in a header are read through
    assert "2026Q2" in set(_parse(fmt.workbook(la_header=header)).period_label)
    with pytest.raises(FeedError, match="Table 5 has no rows for any of the 2 chosen areas"):
        _parse(fmt.workbook(la_rows=fmt.LA_ROWS[5:]))
    with pytest.raises(FeedError, match="Table 3 has no rows for any of the 1 chosen areas"):
        _parse(fmt.workbook(region_rows=fmt.REGION_ROWS[2:]))


def test_a_chosen_area_missing_from_the_workbook_is_quarantined_by_name():
    quarantined = []
    out = _parse(fmt.workbook(la_rows=fmt.LA_ROWS[3:]), quarantined, regions=("East Midlands", "North East"))
    assert set(out.geography_code) == {"E06000018", "E12000004"}  # Derby's rows are gone from the workbook
    got = {(q.record_id, q.field): q.reason for q in quarantined}
    assert got == {
        ("Table 5!E06000015", "Local Authority Code"): "no row for 'E06000015' in Table 5",
        ("Table 3!North East", "Region"): "no row for 'North East' in Table 3",
    }


def test_client_follows_dataset_page_to_edition_to_file(httpserver):
    fmt.serve(httpserver)
    client = ons_ads.OnsWebsiteClient(httpserver.url_for(""), make_session(retries=0))
    edition = client.current_edition()
    assert edition.uri == fmt.EDITION and edition.file == "labourdemandbyoccupation.xlsx"
    assert edition.release == "january2017tojuly2026/labourdemandbyoccupation.xlsx " + fmt.RELEASE_DATE
    assert client.workbook(edition).startswith(b"PK")
    httpserver.clear()
    httpserver.expect_request(fmt.DATASET_PAGE + "/data").respond_with_json(fmt.dataset_page(editions=()))
    with pytest.raises(FeedError, match="lists no editions"):
        client.current_edition()
    httpserver.clear()
    httpserver.expect_request(fmt.EDITION + "/data").respond_with_json(fmt.edition_page(file="notes.pdf"))
    with pytest.raises(FeedError, match="offers no .xlsx download \\(files: notes.pdf\\)"):
        client.current_edition(edition_uri=fmt.EDITION)
    httpserver.clear()
    httpserver.expect_request("/file").respond_with_data("<html>maintenance</html>", content_type="text/html")
    with pytest.raises(FeedError, match="not an xlsx workbook"):
        client.workbook(edition)


def _config(tmp_path, monkeypatch, httpserver) -> dict:
    """Live against the local server, for the two authorities the test workbook holds."""
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    "ons_job_adverts": {
                        "live": True,
                        "base_url": httpserver.url_for(""),
                        "http_backoff": 0,
                        "http_retries": 1,
                        "la_codes": sorted(OURS),
                    }
                }
            }
        )
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    return {"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb"))}


def _file_gets(httpserver) -> int:
    return sum(req.path == "/file" for req, _ in httpserver.log)


def test_asset_loads_skips_an_unchanged_release_and_keeps_the_table_when_the_feed_fails(
    httpserver, tmp_path, monkeypatch
):
    fmt.serve(httpserver)
    resources = _config(tmp_path, monkeypatch, httpserver)
    assert dg.materialize([raw_ons_job_advert_volumes], resources=with_feeds(resources)).success
    assert dg.materialize([raw_ons_job_advert_volumes], resources=with_feeds(resources)).success
    assert _file_gets(httpserver) == 1  # the second run found the same edition and release date
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        n, derby = conn.execute("""select count(*), sum(adverts) filter (where geography_code = 'E06000015'
                                   and period_label = '2025Q3') from raw.ons_job_advert_volumes""").fetchone()
    assert (n, derby) == (26, 40 + 410 + 55)

    # a new release date: downloaded again, and this time the server fails
    httpserver.clear()
    httpserver.expect_request(fmt.DATASET_PAGE + "/data").respond_with_json(fmt.dataset_page())
    httpserver.expect_request(fmt.EDITION + "/data").respond_with_json(
        fmt.edition_page(release_date="2026-09-17T23:00:00.000Z")
    )
    httpserver.expect_request("/file").respond_with_response(Response("busy", 503))
    result = dg.materialize([raw_ons_job_advert_volumes], resources=with_feeds(resources), raise_on_error=False)
    assert not result.success
    assert "HTTP 503" in str(result.failure_data_for_node("raw__ons_job_advert_volumes").error)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.ons_job_advert_volumes").fetchone()[0] == 26
        assert (
            fmt.RELEASE_DATE
            in conn.execute("select release from raw.feed_releases where source = 'ons_job_adverts'").fetchone()[0]
        )


def test_quarantined_cells_reach_the_quarantine_table(httpserver, tmp_path, monkeypatch):
    rows = [list(r) for r in fmt.LA_ROWS]
    rows[4] = (*rows[4][:6], [60, 70, "-", 71])
    fmt.serve(httpserver, content=fmt.workbook(la_rows=[tuple(r) for r in rows]))
    resources = _config(tmp_path, monkeypatch, httpserver)
    assert dg.materialize([raw_ons_job_advert_volumes], resources=with_feeds(resources)).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        got = conn.execute(
            "select record_id, field, reason from raw.quarantine where source = 'ons_job_adverts'"
        ).fetchall()
    assert len(got) == 1 and got[0][:2] == ("Table 5!I10", "adverts") and "'-'" in got[0][2]


def test_ons_series_becomes_the_trackers_vacancies_row(refreshed, tmp_path):
    """dbt over a copy of the refreshed warehouse with ONS rows loaded: the vacancies rows come from ONS,
    a suppressed cell makes a total unknown (with the lower bound in the note), EMCCA is not rated
    against the Plan's feed-based baseline, and the official mart carries every published cell."""
    from assets.platform.warehouse import replace_table, stamp

    copy = warehouse_copy(tmp_path)
    frame = _parse(fmt.workbook()).assign(dataset_key="labour_demand_volumes_soc2020")
    with duckdb.connect(str(copy)) as conn:
        replace_table(conn, "raw.ons_job_advert_volumes", stamp(frame))
    dbt_on(copy, tmp_path, "stg_ons__job_advert_volumes+", command="build")
    with duckdb.connect(str(copy), read_only=True) as conn:
        rows = conn.execute("""select geography_code, period_start, value, reliability, rag_status, source, note
                               from marts.fct_plan_indicators where indicator_id = 'vacancies'""").df()
        mart_frame = conn.execute("select * from marts.fct_online_job_advert_volumes").df()
        pathways = conn.execute("""select distinct la_code, ons_adverts_latest_quarter, ons_quarter
                                   from marts.fct_escalator_pathways_by_area
                                   where destination_soc2020 = '6135' and la_code in ('E06000015', 'E07000032')
                                   order by 1""").fetchall()
    mart = (len(mart_frame), int(mart_frame.adverts.notna().sum()))
    assert set(rows.source) == {"ONS online job adverts (Textkernel)"}  # the feed's live-stock rows give way
    by = {(r.geography_code, str(r.period_start.date())): r for r in rows.itertuples()}
    derby_q3 = by[("E06000015", "2025-07-01")]
    assert (derby_q3.value, derby_q3.reliability) == (505.0, "no CI")  # a count without a CI
    derby_q2 = by[("E06000015", "2026-04-01")]  # 2134 suppressed: the published cells give a lower bound
    assert (derby_q2.value, derby_q2.reliability, derby_q2.rag_status) == (451.0, "unreliable", "not rated")
    assert derby_q2.note.startswith("lower bound: 1 of 3 occupation cells suppressed, the published cells sum to 451")
    region_jul = by[("E12000004", "2026-07-01")]
    assert region_jul.value == 1702 + 305
    emcca = by[("E47000013", "2025-07-01")]  # only 2 of the 17 LAs in this test workbook
    assert pd.isna(emcca.value) and emcca.reliability == "suppressed" and emcca.rag_status == "no data"
    assert emcca.note.startswith(
        "not comparable with the Plan baseline (live adverts in a job-ad feed); 2 of 17 local authorities published"
    )
    assert mart == (26, 25)
    # the area pathways carry ONS's count for the destination beside the feed-based demand
    assert pathways == [("E06000015", 402, "2026Q2"), ("E07000032", None, None)]
    # the publication gate's suite passes the real mart and names a broken row
    from expectations import runner
    from expectations.suites import SUITES

    suite = next(x for x in SUITES if x.name == "fct_online_job_advert_volumes")
    assert runner.validate(suite, mart_frame, {}).success
    broken = mart_frame.copy()
    broken.loc[broken.index[broken.adverts.notna()][0], "status"] = "suppressed"  # a count marked suppressed
    outcome = runner.validate(suite, broken, {})
    assert not outcome.success
    assert [f["column"] for f in outcome.failures] == ["adverts"]


def test_tracker_cards_name_quarters_and_mixed_periods():
    """The tracker labels a quarter as one and says when a comparison is for a different period (ONS
    publishes the region monthly and local authorities quarterly)."""
    import pandas as pd

    from reports.tracker import card, period_label

    def row(start, end):
        return pd.Series({"period_start": pd.Timestamp(start), "period_end": pd.Timestamp(end)})

    assert period_label(row("2026-04-01", "2026-06-30")) == "2026 Q2"
    assert period_label(row("2024-12-01", "2025-02-28")) == "Dec-Feb 2025"  # DfE NEET, not a calendar quarter
    assert period_label(row("2026-07-01", "2026-07-31")) == "Jul 2026"
    dim = pd.Series(
        {
            "indicator_id": "vacancies",
            "indicator_name": "Vacancies",
            "category": "wider",
            "unit": "count",
            "baseline_value": 39415.0,
            "baseline_geography": "E47000013",
            "baseline_note": "Plan baseline",
            "target_value": None,
            "target_year": None,
            "primary_source": "ONS",
        }
    )
    base = {
        "indicator_id": "vacancies",
        "is_latest": True,
        "rag_status": "not rated",
        "lci_95": None,
        "uci_95": None,
        "change_since_baseline": None,
        "note": "",
        "source": "ONS",
        "source_dataset": "x",
        "source_release": pd.NaT,
        "baseline_value": 39415.0,
        "baseline_period": pd.Timestamp("2025-01-01"),
        "rag_reason": "not comparable",
        "baseline_check": "not checked",
    }
    facts = pd.DataFrame(
        [
            {
                **base,
                "geography_code": "E47000013",
                "geography_name": "EMCCA",
                "value": 40000.0,
                "period_start": pd.Timestamp("2026-04-01"),
                "period_end": pd.Timestamp("2026-06-30"),
            },
            {
                **base,
                "geography_code": "E12000004",
                "geography_name": "East Midlands",
                "value": 2007.0,
                "period_start": pd.Timestamp("2026-07-01"),
                "period_end": pd.Timestamp("2026-07-31"),
            },
        ]
    )
    html = card(dim, facts, [("E47000013", "East Midlands Combined County Authority")])
    assert "2026 Q2" in html and "East Midlands 2,007 (Jul 2026)" in html
