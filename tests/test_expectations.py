"""The GE suites: committed files match their source, and a bad frame fails with the record named."""

import json
from pathlib import Path

import pandas as pd

from expectations import runner
from expectations.build_context import GX_ROOT, build
from expectations.suites import SUITES


def _normalised(gx_dir: Path) -> dict:
    out = {}
    for path in sorted((gx_dir / "expectations").glob("*.json")):
        doc = json.loads(path.read_text())
        out[doc["name"]] = [(e["type"], json.dumps(e["kwargs"], sort_keys=True)) for e in doc["expectations"]]
    return out


def test_committed_suites_match_suites_py(tmp_path):
    rebuilt = build(tmp_path)
    assert _normalised(rebuilt) == _normalised(GX_ROOT / "gx")
    assert set(_normalised(GX_ROOT / "gx")) == {s.name for s in SUITES}
    assert {p.stem for p in (GX_ROOT / "gx/validation_definitions").glob("*.json")} == {s.name for s in SUITES}


def test_dim_indicator_suite_names_the_bad_record():
    suite = next(s for s in SUITES if s.name == "dim_indicator")
    frame = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "b"],
            "category": ["key outcome", "wider", "outcome?"],
            "better_direction": ["higher", "lower", "up"],
        }
    )
    outcome = runner.validate(suite, frame, {"min_rows": 1, "max_rows": 10})
    assert not outcome.success
    by_type = {(f["expectation"], f["column"]): f for f in outcome.failures}
    assert by_type[("expect_column_values_to_be_in_set", "category")]["sample_values"] == ["outcome?"]
    assert by_type[("expect_column_values_to_be_unique", "indicator_id")]["unexpected_count"] == 2
    assert {
        r["better_direction"] for r in by_type[("expect_column_values_to_be_in_set", "better_direction")]["sample_rows"]
    } == {"up"}


def test_row_count_bounds_follow_the_previous_passing_run(tmp_path):
    import duckdb

    suite = next(s for s in SUITES if s.name == "dim_indicator")
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert runner.parameters(conn, suite) == {"min_rows": 1, "max_rows": 10**9}
    ok = runner.Outcome(suite=suite.name, table=suite.table, success=True, row_count=18, evaluated=4)
    runner.record(conn, "run-1", ok)
    assert runner.parameters(conn, suite) == {"min_rows": 9, "max_rows": 36}
    frame = pd.DataFrame({"indicator_id": ["a"], "category": ["wider"], "better_direction": ["lower"]})
    outcome = runner.validate(suite, frame, runner.parameters(conn, suite))
    assert [f["expectation"] for f in outcome.failures] == ["expect_table_row_count_to_be_between"]
    assert outcome.failures[0]["observed"] == 1


def test_validation_results_are_pruned_to_the_newest_few():
    """great-expectations writes one result folder per suite per run; the runner keeps the newest
    KEEP_RESULTS (ops.check_runs holds every outcome), so they cannot grow without bound."""
    import shutil

    from expectations.build_context import GX_ROOT
    from expectations.runner import KEEP_RESULTS, prune_results

    root = GX_ROOT / "uncommitted" / "validations" / "test_prune_suite"
    stamps = [f"20261206T1{i:02d}000.000000Z" for i in range(KEEP_RESULTS + 4)]
    try:
        for stamp in stamps:
            (root / "__none__" / stamp).mkdir(parents=True)
            (root / "__none__" / stamp / "warehouse-test.json").write_text("{}")
        assert prune_results("test_prune_suite") == 4
        assert sorted(p.name for p in (root / "__none__").iterdir()) == stamps[-KEEP_RESULTS:]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_table_that_grows_with_its_places_is_bounded_per_place(tmp_path):
    """raw.ons_local_indicators gains rows with every place a live feed adds: its bound is rows per
    (dataset, place) in the last passing run times the units it holds now, not the embedded snapshot's
    size. Three times the places passes; the usual places with a fifth of their rows still fail."""
    import duckdb

    suite = next(s for s in SUITES if s.name == "raw_ons_local_indicators")
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))

    def frame(places: int, per_place: int) -> pd.DataFrame:
        codes = [f"E0600{p:04d}" for p in range(places) for _ in range(per_place)]
        return pd.DataFrame({"dataset": "employment", "areacd": codes})

    runner.record(conn, "run-1", runner.Outcome(suite.name, suite.table, True, 122, 4, units=1))
    assert runner.parameters(conn, suite, frame(1, 122))["min_rows"] == 61
    assert runner.parameters(conn, suite, frame(1, 122))["max_rows"] == 244
    three = runner.parameters(conn, suite, frame(3, 120))  # 360 rows: beyond the old table bound 244
    assert (three["min_rows"], three["max_rows"]) == (183, 732)
    thin = runner.parameters(conn, suite, frame(3, 20))
    assert not thin["min_rows"] <= 60 <= thin["max_rows"]


def test_vacancies_by_area_are_bounded_by_their_key_not_by_the_last_day(tmp_path):
    """A live day with ten times the embedded day's rows passes; a second row for one day, area and unit
    group, or an area outside EMCCA, fails."""
    import duckdb

    from expectations.suites import EMCCA_LADS, _soc2020_codes

    suite = next(s for s in SUITES if s.name == "fct_vacancies_by_occupation_area")
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    runner.record(conn, "run-1", runner.Outcome(suite.name, suite.table, True, 122, 4, units=1))
    codes = sorted(_soc2020_codes())
    rows = [
        {"day": "2026-12-07", "la_code": la, "soc2020": soc, "live_adverts": 2, "live_part_time_or_flexible": 1}
        for la in EMCCA_LADS
        for soc in codes[:120]
    ]
    big = pd.DataFrame(rows)
    assert runner.validate(suite, big, runner.parameters(conn, suite, big)).success  # 1,080 rows after 122
    doubled = pd.concat([big, big.head(1).assign(la_code="E06000001")], ignore_index=True)
    doubled = pd.concat([doubled, big.head(1)], ignore_index=True)
    failed = runner.validate(suite, doubled, runner.parameters(conn, suite, doubled))
    assert {f["expectation"] for f in failed.failures} == {
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_be_in_set",
    }


def test_the_refresh_output_names_the_expectation_the_observed_value_and_a_sample_row(tmp_path):
    """A failed check, as `escalator refresh` prints it: not just the check's name."""
    import duckdb

    from expectations.checks import _result
    from orchestration.refresh import failure_lines

    suite = next(s for s in SUITES if s.name == "dim_indicator")
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    runner.record(conn, "run-1", runner.Outcome(suite.name, suite.table, True, 18, 4))
    frame = pd.DataFrame({"indicator_id": ["a"], "category": ["wider"], "better_direction": ["sideways"]})
    outcome = runner.validate(suite, frame, runner.parameters(conn, suite))
    lines = failure_lines(_result(suite, outcome).metadata)
    assert any(
        line.startswith("expect_table_row_count_to_be_between") and "'min_value': 9" in line and "observed 1" in line
        for line in lines
    ), lines
    bad = next(line for line in lines if "better_direction" in line)
    assert "1 unexpected value(s), e.g. ['sideways']" in bad
    assert any(line.startswith("  sample row: {") and "sideways" in line for line in lines)
