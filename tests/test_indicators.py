"""The Plan's indicator tracker mart on the embedded real data."""

import pandas as pd
import yaml

from orchestration.cli import main as cli_main
from orchestration.settings import EMBEDDED_DIR
from tests.conftest import ROOT

ONS = pd.read_csv(EMBEDDED_DIR / "ons/emcca_local_indicators_long.csv")
TABLE_8_1 = {"employment_rate", "gdhi_per_head", "employment_rate_lowest_la", "health_related_inactivity",
             "disability_employment_gap", "neet_16_24", "workless_households", "female_employment_rate",
             "inactive_want_job", "uc_not_in_employment", "long_term_sick_inactivity", "neet_health_condition",
             "job_density", "vacancies", "skill_shortage_occupations"}
BASELINE_YEAR = yaml.safe_load((ROOT / "dbt_project/dbt_project.yml").read_text())["vars"]["plan_baseline_year"]
EMCCA_LADS = {"E06000015", "E06000018", *[f"E070000{n}" for n in range(32, 40)], *[f"E07000{n}" for n in range(170, 177)]}


def _latest_file_value(areacd: str, indicator: str) -> float:
    rows = ONS[(ONS.areacd == areacd) & (ONS.indicator == indicator)].sort_values("period")
    return float(rows.observation.iloc[-1])


def test_emcca_latest_employment_rate_equals_the_ons_file(warehouse):
    value, lci, uci, rag = warehouse.execute(
        "select value, lci_95, uci_95, rag_status from marts.fct_plan_indicators "
        "where indicator_id = 'employment_rate' and geography_code = 'E47000013' and is_latest").fetchone()
    assert value == _latest_file_value("E47000013", "Employment rate")
    assert lci < value < uci
    assert rag == ("amber" if lci <= 75.8 <= uci else rag)  # Plan baseline inside the CI: not a change


def test_every_table_8_1_indicator_is_present_with_baseline(warehouse):
    rows = warehouse.execute("select indicator_id, rag_status, baseline_value from marts.fct_plan_indicators "
                             "where is_latest").df()
    assert TABLE_8_1 <= set(rows.indicator_id)
    unconnected = rows[rows.rag_status == "no source connected"]
    assert {"neet_16_24", "disability_employment_gap", "job_density"} <= set(unconnected.indicator_id)
    assert unconnected[unconnected.indicator_id == "neet_16_24"].baseline_value.tolist() == [14.7]


def test_real_values_for_emcca_each_la_region_and_england(warehouse):
    expected = {"employment_rate": "Employment rate", "economic_inactivity_rate": "Economically inactive",
                "claimant_count_rate": "Claimant Count", "gdhi_per_head": "Gross disposable household income",
                "gross_median_weekly_pay": "Gross median weekly pay"}
    for indicator_id, ons_label in expected.items():
        got = dict(warehouse.execute(
            "select geography_code, value from marts.fct_plan_indicators where indicator_id = ? and is_latest",
            [indicator_id]).fetchall())
        for code in [*EMCCA_LADS, "E47000013", "E12000004", "E92000001"]:
            if ONS[(ONS.areacd == code) & (ONS.indicator == ons_label)].observation.notna().any():
                assert got[code] == _latest_file_value(code, ons_label), (indicator_id, code)
    lts = warehouse.execute("select count(distinct geography_code) from marts.fct_plan_indicators "
                            "where indicator_id = 'long_term_sick_inactivity' and value is not null").fetchone()[0]
    assert lts >= 19


def test_lowest_la_is_the_minimum_of_the_17(warehouse):
    period, value, note = warehouse.execute(
        "select period_start, value, note from marts.fct_plan_indicators "
        "where indicator_id = 'employment_rate_lowest_la' and is_latest").fetchone()
    las = warehouse.execute("select geography_name, value from marts.fct_plan_indicators where "
                            "indicator_id = 'employment_rate' and geography_level = 'local authority' "
                            "and period_start = ?", [period]).fetchall()
    assert len(las) == 17
    low = min(las, key=lambda r: r[1])
    assert value == low[1] and note == f"lowest: {low[0]}"


def test_rag_rule_respects_the_confidence_interval(warehouse):
    df = warehouse.execute("select * from marts.fct_plan_indicators where value is not null "
                           "and baseline_value is not null and better_direction <> 'none' "
                           "and rag_status not in ('before baseline', 'not rated')").df()
    assert len(df) > 100
    in_ci = df[df.lci_95.notna() & (df.baseline_value >= df.lci_95) & (df.baseline_value <= df.uci_95)]
    target_met = (in_ci.target_value.notna() & (in_ci.geography_code == "E47000013")
                  & (in_ci.value >= in_ci.target_value))
    assert (in_ci[~target_met].rag_status == "amber").all()
    better = ((df.better_direction == "higher") & (df.value > df.baseline_value)) | (
        (df.better_direction == "lower") & (df.value < df.baseline_value))
    outside = df.lci_95.notna() & ((df.baseline_value < df.lci_95) | (df.baseline_value > df.uci_95))
    assert (df[outside & better].rag_status == "green").all()
    assert (df[outside & ~better & df.target_value.isna()].rag_status == "red").all()


def test_rows_before_the_baseline_are_history_not_progress(warehouse):
    df = warehouse.execute("select * from marts.fct_plan_indicators where value is not null "
                           "and baseline_value is not null and better_direction <> 'none'").df()
    year = df.period_end.dt.year
    own = df.baseline_check == "own value"
    plan = df.baseline_check.isin(["matches series", "differs from series", "not checked"])
    before = (own & (year < BASELINE_YEAR)) | (plan & (year < BASELINE_YEAR - 2))
    assert before.sum() > 100 and (~before).sum() > 100
    assert (df[before].rag_status == "before baseline").all()
    assert not (df[~before].rag_status == "before baseline").any()


def test_a_plan_baseline_that_matches_none_of_the_series_is_not_rated(warehouse):
    """The Plan's GDHI per head baseline against the real ONS series for EMCCA: if no year around the
    baseline year lies within 5% of it, the row says so and is not rated; the employment rate's baseline
    lies inside a nearby year's CI, so it is rated."""
    plan = dict(warehouse.execute("select indicator_id, baseline_value from marts.dim_indicator").fetchall())
    gdhi = ONS[(ONS.areacd == "E47000013") & (ONS.indicator == "Gross disposable household income")]
    years = pd.to_numeric(gdhi.period.astype(str).str[:4])
    near = gdhi[years.between(BASELINE_YEAR - 2, BASELINE_YEAR + 1)].observation.astype(float)
    within = (abs(near - plan["gdhi_per_head"]) <= 0.05 * near).any()
    check, rag, note = warehouse.execute(
        "select baseline_check, rag_status, note from marts.fct_plan_indicators "
        "where indicator_id = 'gdhi_per_head' and geography_code = 'E47000013' and is_latest").fetchone()
    assert len(near) >= 2
    if within:
        assert check == "matches series" and not (note or "").startswith("not comparable")
    else:
        assert check == "differs from series" and rag == "not rated"
        assert note.startswith(f"not comparable: the Plan's baseline ({plan['gdhi_per_head']:g})")
    check, rag = warehouse.execute(
        "select baseline_check, rag_status from marts.fct_plan_indicators "
        "where indicator_id = 'employment_rate' and geography_code = 'E47000013' and is_latest").fetchone()
    assert check == "matches series" and rag in {"green", "amber", "red"}


def test_cli_prints_the_tracker(warehouse, capsys):
    assert cli_main(["indicators"]) == 0
    out = capsys.readouterr().out
    assert "East Midlands Combined County Authority (E47000013)" in out
    assert f"{_latest_file_value('E47000013', 'Employment rate'):.1f}%" in out
    assert "no source connected" in out
    reason = warehouse.execute("select note from marts.fct_plan_indicators where geography_code = 'E47000013' "
                               "and is_latest and rag_status = 'not rated' and note is not null").fetchone()[0]
    assert "Not rated:" in out and reason in out  # why a measured indicator has no RAG
    assert cli_main(["indicators", "-g", "Nowhere"]) == 2
