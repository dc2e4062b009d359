"""Gate cases: a corrupted mart (a value out of range, a null key, a duplicated key) or a corrupted raw
feed must block publication. Each runs on its own copy of a refreshed site (tests/gate_env.py): the run
fails at the great-expectations check naming the rows, no `published/*` asset is materialized, every file
under `published/` keeps its sha256, the failure is recorded in `ops.refresh_failures` and the reports show
the failure banner above the last good publication. `make faults` prints them as a table;
tests/test_gate_and_publication.py applies the three mart corruptions together and the raw one alone."""

import hashlib
import os
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.gate_env import Env, make_env

BANNER = "The latest refresh failed"


def value_out_of_range(conn: duckdb.DuckDBPyConnection) -> None:  # 140% employment in Nottingham
    conn.execute(
        "update marts.fct_plan_indicators set value = 140 where indicator_id = 'employment_rate' "
        "and geography_code = 'E06000018' and is_latest"
    )


def duplicated_key(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        "insert into marts.fct_plan_indicators select * from marts.fct_plan_indicators "
        "where indicator_id = 'gdhi_per_head' and geography_code = 'E47000013' and is_latest"
    )


def null_key(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        "insert into marts.fct_plan_indicators select * replace (null as indicator_id) "
        "from marts.fct_plan_indicators where indicator_id = 'employment_rate' limit 1"
    )


MART_CORRUPTIONS = {
    "expect_column_values_to_be_between": value_out_of_range,
    "expect_compound_columns_to_be_unique": duplicated_key,
    "expect_column_values_to_not_be_null": null_key,
}

ONS_FILE = "ons/emcca_local_indicators_long.csv"


def corrupt_ons_feed(embedded: Path) -> None:
    """EMCCA's 2023 employment rate becomes 140% in the ONS file the next refresh reads."""
    path = embedded / ONS_FILE
    ons = pd.read_csv(path, dtype=str, keep_default_na=False)
    hit = (ons.areacd == "E47000013") & (ons.indicator == "Employment rate") & (ons.period == "2023-01-01/P1Y")
    ons.loc[hit, "observation"] = "140"
    ons.to_csv(path, index=False)


@dataclass
class GateCase:
    name: str
    job: str  # validate_and_publish for a mart, daily_refresh for a raw feed
    check: str  # the great-expectations check that must fail
    expectation: str  # the failing expectation
    corrupt: Callable[[Env], None]


def _marts(corruption: Callable) -> Callable[[Env], None]:
    def apply(env: Env) -> None:
        with duckdb.connect(str(env.warehouse)) as conn:
            corruption(conn)

    return apply


CASES = [
    GateCase(
        "mart value out of range",
        "validate_and_publish",
        "gx_fct_plan_indicators",
        "expect_column_values_to_be_between",
        _marts(value_out_of_range),
    ),
    GateCase(
        "mart key null",
        "validate_and_publish",
        "gx_fct_plan_indicators",
        "expect_column_values_to_not_be_null",
        _marts(null_key),
    ),
    GateCase(
        "mart key duplicated",
        "validate_and_publish",
        "gx_fct_plan_indicators",
        "expect_compound_columns_to_be_unique",
        _marts(duplicated_key),
    ),
    GateCase(
        "raw feed value out of range",
        "daily_refresh",
        "gx_raw_ons_local_indicators",
        "expect_column_values_to_be_between",
        lambda env: corrupt_ons_feed(env.embedded),
    ),
]


def check_evaluations(result) -> dict:
    return {
        e.event_specific_data.check_name: e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}


def file_hashes(env: Env) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(env.published.resolve().iterdir())}


@dataclass
class GateOutcome:
    case: GateCase
    run_failed: bool
    failures: list[dict]  # the check's failed expectations, each with sample rows
    published_assets: set[str]  # published/* assets materialized by the run (must be none)
    hashes_same: bool
    alert: list[str]  # ops.refresh_failures steps recorded for this run
    banner: bool
    seconds: float

    def failing(self, expectation: str) -> list[dict]:
        return [f for f in self.failures if f["expectation"] == expectation]

    @property
    def sample(self) -> str:
        rows = [r for f in self.failing(self.case.expectation) for r in f["sample_rows"]]
        return str(rows[0]) if rows else ""

    @property
    def passed(self) -> bool:
        return (
            self.run_failed
            and bool(self.failing(self.case.expectation))
            and not self.published_assets
            and self.hashes_same
            and bool(self.alert)
            and self.banner
        )


def run_case(env: Env, case: GateCase, quiet: bool = False) -> GateOutcome:
    before = file_hashes(env)
    case.corrupt(env)
    started = time.perf_counter()
    result = env.run(case.job, quiet=quiet)
    seconds = time.perf_counter() - started
    check = check_evaluations(result).get(case.check)
    failures = check.metadata["failures"].value if check is not None and not check.passed else []
    alert = [r[0] for r in env.sql("select step_key from ops.refresh_failures where run_id = ?", [result.run_id])]
    index = env.root / "reports" / "index.html"
    return GateOutcome(
        case,
        not result.success,
        failures,
        {k for k in materialized(result) if k.startswith("published/")},
        file_hashes(env) == before,
        alert,
        index.exists() and BANNER in index.read_text(),
        seconds,
    )


@contextmanager
def output_to(path: Path):
    """This process's stdout and stderr (file descriptors, so child processes' too) into a file."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with path.open("w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def report(root: Path, warehouse: Path, published: Path) -> int:
    """Each case on its own copy of a refreshed site (its warehouse and publication)."""
    header = (
        f"{'gate case':28} {'failing check':28} {'blocked':7} {'published/ sha256':17} {'alert':14} "
        f"{'banner':6} {'time':>6}  result"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for i, case in enumerate(CASES):
        with pytest.MonkeyPatch.context() as mp:
            env = make_env(root / f"gate{i}", mp, start_from=(warehouse, published))
            with output_to(env.root / "run.log"):  # dbt's and the failed run's output, kept out of the table
                out = run_case(env, case, quiet=True)
        failed += not out.passed
        print(
            f"{case.name:28} {case.check:28} {'yes' if out.run_failed else 'NO':7} "
            f"{'unchanged' if out.hashes_same else 'CHANGED':17} {(out.alert or ['none'])[0]:14} "
            f"{'shown' if out.banner else 'NONE':6} {out.seconds:>5.1f}s  {'pass' if out.passed else 'FAIL'}"
        )
        print(f"{'':28} {out.case.expectation}: {out.sample[:100]}")
    return failed
