"""The Plan's indicator tracker mart on the embedded real data."""

import pandas as pd
import pytest

from orchestration.cli import main as cli_main
from orchestration.settings import EMBEDDED_DIR
from tests.conftest import ROOT

ONS = pd.read_csv(EMBEDDED_DIR / "ons/emcca_local_indicators_long.csv")
PLAN = pd.read_csv(ROOT / "dbt_project/seeds/plan_indicators.csv", dtype={"plan_row": "Int64"})
EMCCA_LADS = {
    "E06000015",
    "E06000018",
    *[f"E070000{n}" for n in range(32, 40)],
    *[f"E07000{n}" for n in range(170, 177)],
}


def _latest_file_value(areacd: str, indicator: str) -> float:
    rows = ONS[(ONS.areacd == areacd) & (ONS.indicator == indicator)].sort_values("period")
    return float(rows.observation.iloc[-1])


def test_emcca_latest_employment_rate_equals_the_ons_file(warehouse):
    value, lci, uci, rag, end = warehouse.execute(
        "select value, lci_95, uci_95, rag_status, period_end from marts.fct_plan_indicators "
        "where indicator_id = 'employment_rate' and geography_code = 'E47000013' and is_latest"
    ).fetchone()
    assert value == _latest_file_value("E47000013", "Employment rate")
    assert lci < value < uci
    assert rag == _rag_from_the_readme_rule(
        value, lci, uci, baseline=75.8, target=80.0, before_baseline=end.year < 2025
    )


def _rag_from_the_readme_rule(value, lci, uci, *, baseline, target, before_baseline, higher=True) -> str:
    """README "How the tracker rates an indicator", for an EMCCA row with a CI (the dbt unit tests pin each
    branch of the SQL; this re-reads the rule on the real row)."""
    if before_baseline:  # the Plan's baseline is APS 2025: an earlier value is history, not progress
        return "before baseline"
    if (value >= target) if higher else (value <= target):
        return "green"
    if lci <= baseline <= uci:
        return "amber"
    return "green" if (value > baseline) == higher else "red"


@pytest.mark.parametrize(
    "value,lci,uci,before,expected",
    [
        (74.6, 72.8, 76.4, True, "before baseline"),
        (76.9, 75.1, 78.7, False, "amber"),
        (80.1, 78.3, 81.9, False, "green"),
        (77.9, 76.9, 78.9, False, "green"),
        (73.0, 72.0, 74.0, False, "red"),
    ],
)
def test_the_readme_rule_as_the_test_reads_it(value, lci, uci, before, expected):
    assert _rag_from_the_readme_rule(value, lci, uci, baseline=75.8, target=80.0, before_baseline=before) == expected


def test_all_18_table_8_1_rows_are_published(warehouse):
    rows = warehouse.execute(
        "select plan_row, indicator_id, rag_status, rag_reason, baseline_value "
        "from published.fct_plan_indicators where is_latest"
    ).df()
    assert set(rows.plan_row.dropna().astype(int)) == set(range(1, 19))
    unconnected = rows[rows.rag_status == "no source connected"]
    assert {
        "neet_16_24",
        "disability_employment_gap",
        "job_density",
        "employment_demand_within_areas",
        "disadvantaged_group_profiling",
        "imd_challenge_areas",
    } <= set(unconnected.indicator_id)
    assert unconnected[unconnected.indicator_id == "neet_16_24"].baseline_value.tolist() == [14.7]
    assert unconnected.rag_reason.str.startswith("no source connected").all()


def test_real_values_for_emcca_each_la_region_and_england(warehouse):
    expected = {
        "employment_rate": "Employment rate",
        "economic_inactivity_rate": "Economically inactive",
        "claimant_count_rate": "Claimant Count",
        "gdhi_per_head": "Gross disposable household income",
        "gross_median_weekly_pay": "Gross median weekly pay",
    }
    for indicator_id, ons_label in expected.items():
        got = dict(
            warehouse.execute(
                "select geography_code, value from marts.fct_plan_indicators where indicator_id = ? and is_latest",
                [indicator_id],
            ).fetchall()
        )
        for code in [*EMCCA_LADS, "E47000013", "E12000004", "E92000001"]:
            if ONS[(ONS.areacd == code) & (ONS.indicator == ons_label)].observation.notna().any():
                assert got[code] == _latest_file_value(code, ons_label), (indicator_id, code)
    lts = warehouse.execute(
        "select count(distinct geography_code) from marts.fct_plan_indicators "
        "where indicator_id = 'long_term_sick_inactivity' and value is not null"
    ).fetchone()[0]
    assert lts >= 19


def test_lowest_la_is_the_minimum_of_the_17_with_its_overlap_and_significance(warehouse):
    period, value, note, rag = warehouse.execute(
        "select period_start, value, note, rag_status from marts.fct_plan_indicators "
        "where indicator_id = 'employment_rate_lowest_la' and is_latest"
    ).fetchone()
    las = warehouse.execute(
        "select geography_name, value, lci_95, uci_95 from marts.fct_plan_indicators where "
        "indicator_id = 'employment_rate' and geography_level = 'local authority' "
        "and period_start = ?",
        [period],
    ).fetchall()
    emcca = warehouse.execute(
        "select value, lci_95, uci_95 from marts.fct_plan_indicators where indicator_id = "
        "'employment_rate' and geography_code = 'E47000013' and period_start = ?",
        [period],
    ).fetchone()
    assert len(las) == 17
    low = min(las, key=lambda r: r[1])
    overlapping = sum(1 for r in las if r[0] != low[0] and r[2] <= low[3])
    significant = emcca[0] - low[1] > ((low[3] - low[2]) ** 2 / 4 + (emcca[2] - emcca[1]) ** 2 / 4) ** 0.5
    assert value == low[1]
    assert f"lowest: {low[0]} ({low[1]}%); its 95% CI overlaps {overlapping} of the other 16" in note
    assert note.startswith("not significant") != significant
    # not significantly below EMCCA: never rated as if it were; significant: rated like any row
    assert rag in (
        {"not rated", "before baseline"} if not significant else {"green", "amber", "red", "before baseline"}
    )
    assert (rag == "not rated") == (not significant and rag != "before baseline")


def test_rows_before_the_baseline_period_are_history_not_progress(warehouse):
    df = warehouse.execute(
        "select f.*, d.baseline_period as indicator_baseline from marts.fct_plan_indicators f "
        "join marts.dim_indicator d using (indicator_id) where f.value is not null "
        "and d.baseline_period is not null and f.better_direction <> 'none'"
    ).df()
    before = df.period_end < df.indicator_baseline
    assert before.sum() > 100
    rated = df[before & df.baseline_value.notna()]
    assert (rated.rag_status == "before baseline").all()
    assert rated.change_since_baseline.isna().all()  # a value that predates the baseline is not progress
    latest = rated[rated.is_latest]
    assert latest.rag_reason.str.match(r"no progress data yet: latest data \d{4}, baseline \d{4}").all()
    assert not (df[~before].rag_status == "before baseline").any()


def test_earnings_gaps_recomputed_from_the_ons_file(warehouse):
    """The Plan's earnings row is a gap to England: EMCCA minus England (£) and EMCCA as % of England."""
    for level, gap in (
        ("Gross disposable household income", "earnings_gap_gdhi"),
        ("Gross median weekly pay", "earnings_gap_pay"),
    ):
        rows = ONS[ONS.indicator == level]
        area = rows[rows.areacd == "E47000013"].set_index("period")
        england = rows[rows.areacd == "E92000001"].set_index("period")
        period = sorted(set(area.index) & set(england.index))[-1]
        a, e = area.loc[period], england.loc[period]
        got = dict(
            warehouse.execute(
                "select indicator_id, value from marts.fct_plan_indicators where geography_code = 'E47000013' "
                "and indicator_id like ? and is_latest",
                [gap + "%"],
            ).fetchall()
        )
        assert got[gap + "_gbp"] == round(a.observation - e.observation, 2)
        assert got[gap + "_pct"] == round(100 * a.observation / e.observation, 2)
        if pd.notna(a.lci_95):  # ASHE: CI of a difference of two independent estimates
            lci = warehouse.execute(
                "select lci_95 from marts.fct_plan_indicators where geography_code = "
                "'E47000013' and indicator_id = ? and is_latest",
                [gap + "_gbp"],
            ).fetchone()[0]
            half = (((a.uci_95 - a.lci_95) / 2) ** 2 + ((e.uci_95 - e.lci_95) / 2) ** 2) ** 0.5
            assert abs(lci - (a.observation - e.observation - half)) < 0.01
    # the baseline check, recomputed from the file: the Plan's gap (£23,584 - £28,402) and ratio against the
    # series' values in the two years up to the baseline year, within 5% (GDHI has no CI)
    plan = PLAN.set_index("indicator_id")
    rows = ONS[ONS.indicator == "Gross disposable household income"]
    area = rows[rows.areacd == "E47000013"].set_index("period").observation
    england = rows[rows.areacd == "E92000001"].set_index("period").observation
    years = {p: int(str(p)[:4]) for p in area.index.intersection(england.index)}
    for suffix, series in (("_gbp", area - england), ("_pct", 100 * area / england)):
        indicator = "earnings_gap_gdhi" + suffix
        base, year = plan.at[indicator, "baseline_value"], int(plan.at[indicator, "baseline_period"][:4])
        near = [series[p] for p, y in years.items() if year - 2 <= y <= year]
        expected = "matches series" if any(abs(base - v) <= 0.05 * abs(v) for v in near) else "differs from series"
        got = warehouse.execute(
            "select baseline_check from marts.fct_plan_indicators where geography_code = "
            "'E47000013' and indicator_id = ? and is_latest",
            [indicator],
        ).fetchone()[0]
        assert near and got == expected, indicator


def test_reliability_follows_the_cv_bands_and_flags_provisional_years(warehouse):
    df = warehouse.execute("select * from marts.fct_plan_indicators where value is not null").df()
    assert df.reliability.nunique() >= 3
    with_ci = df[
        df.lci_95.notna()
        & (df.value != 0)
        & df.reliability.isin(["precise", "reasonably precise", "acceptable", "unreliable"])
    ]
    cv = (with_ci.uci_95 - with_ci.lci_95) / 3.92 / with_ci.value.abs()
    expected = pd.cut(
        cv,
        [0, 0.05, 0.10, 0.20, float("inf")],
        right=False,
        labels=["precise", "reasonably precise", "acceptable", "unreliable"],
    ).astype(str)
    # 'unreliable' is the CV band or the source's own flag (ONS status, job-ad coverage): every row the
    # source did not flag must sit in its CV band, and every row it did flag must carry its flag
    source = warehouse.execute(
        "select indicator_id, geography_code, period_start, reliability as source_reliability "
        "from intermediate.int_indicator_observations"
    ).df()
    merged = with_ci.merge(source, on=["indicator_id", "geography_code", "period_start"], how="left")
    assert len(merged) == len(with_ci)
    flagged_by_source = (merged.source_reliability == "unreliable").to_numpy()
    assert (expected[~flagged_by_source] == with_ci.reliability[~flagged_by_source]).all()
    assert (with_ci.reliability[flagged_by_source] == "unreliable").all()
    assert {"precise", "unreliable"} <= set(with_ci.reliability)  # a narrow EMCCA CI, a 20 pp wide LA one
    assert (df[df.lci_95.isna() & ~df.reliability.isin(["unreliable", "suppressed"])].reliability == "no CI").all()
    provisional = df[df.provisional]
    assert {("gross_median_weekly_pay", 2025), ("gdhi_per_head", 2023)} <= set(
        zip(provisional.indicator_id, provisional.period_start.dt.year)
    )


def test_employment_trajectory_to_80_percent(warehouse):
    t = warehouse.execute("select * from published.fct_employment_trajectory").df().set_index("geography_code")
    assert {"E47000013", *EMCCA_LADS} <= set(t.index)
    e = t.loc["E47000013"]
    assert e.required_annual_change_pp == round((80 - e.latest_value) / (2035 - e.latest_period_end.year), 2)
    rates = ONS[(ONS.areacd == "E47000013") & (ONS.indicator == "Employment rate")].sort_values("period")
    assert e.latest_annual_change_pp == round(rates.observation.iloc[-1] - rates.observation.iloc[-2], 2)
    lo, hi, need = e.latest_change_lci_95, e.latest_change_uci_95, e.required_annual_change_pp
    assert e.path_status == (
        "on path"
        if lo >= need
        else "off path"
        if hi < need
        else "cannot tell: the required change lies inside the latest change's 95% CI"
    )


def test_cli_prints_the_tracker(warehouse, capsys):
    assert cli_main(["indicators"]) == 0
    out = capsys.readouterr().out
    assert "East Midlands Combined County Authority (E47000013)" in out
    assert f"{_latest_file_value('E47000013', 'Employment rate'):.1f}%" in out
    assert "no source connected" in out and "no progress data yet" in out
    assert "Trajectory: 80% by 2035" in out and "Traceback" not in out
    reason = warehouse.execute(
        "select note from marts.fct_plan_indicators where geography_code = 'E47000013' "
        "and is_latest and rag_status = 'not rated' and note is not null "
        "and plan_row is not null"
    ).fetchone()[0]
    assert "Not rated:" in out and reason in out  # why a measured indicator has no RAG
    assert cli_main(["indicators", "-g", "Nowhere"]) == 2
