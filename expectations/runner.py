"""Run a committed GE validation definition on a table and summarise the outcome for people:
failed expectations with their column, counts and sample offending rows."""

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

import duckdb
import pandas as pd

from expectations.build_context import GX_ROOT
from expectations.suites import Suite

OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.check_runs (
    run_id varchar, suite varchar, table_name varchar, passed boolean, evaluated integer,
    failed integer, row_count bigint, failed_expectations varchar, evaluated_at timestamp
);
alter table ops.check_runs add column if not exists units bigint;
"""
SAMPLE_ROWS = 10


@dataclass
class Outcome:
    suite: str
    table: str
    success: bool
    row_count: int
    evaluated: int
    units: int | None = None
    failures: list[dict] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)


@cache
def _context():
    import great_expectations as gx

    return gx.get_context(mode="file", project_root_dir=str(GX_ROOT))


def units(suite: Suite, frame: pd.DataFrame | None) -> int | None:
    """How many of the suite's counting units (`Suite.count_per`: days, places, series) the table holds."""
    if not suite.count_per or frame is None or not set(suite.count_per) <= set(frame.columns):
        return None
    return int(len(frame[list(suite.count_per)].drop_duplicates()))


def parameters(
    conn: duckdb.DuckDBPyConnection, suite: Suite, frame: pd.DataFrame | None = None, now: datetime | None = None
) -> dict:
    """Suite parameters: row-count bounds from the last passing validation, freshness from the cadence.
    A table that grows with what it covers (a day's adverts more, a feed's new places) is bounded per
    counting unit: 0.5x-2x of the last passing run's rows per unit, times the units it holds now; others
    0.5x-2x of the last passing run's rows."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    conn.execute(OPS_DDL)
    prev = conn.execute(
        "select row_count, units from ops.check_runs where suite = ? and passed order by evaluated_at desc limit 1",
        [suite.name],
    ).fetchone()
    params: dict = {}
    if suite.row_count_bounds:
        now_units = units(suite, frame)
        if prev and prev[1] and now_units:  # per unit (a previous run without units: the table bound)
            per_unit = prev[0] / prev[1]
            params["min_rows"] = math.floor(per_unit * now_units * 0.5)
            params["max_rows"] = math.ceil(per_unit * now_units * 2.0)
        else:
            params["min_rows"] = math.floor(prev[0] * 0.5) if prev else 1
            params["max_rows"] = math.ceil(prev[0] * 2.0) if prev else 10**9
    if suite.cadence_days is not None:
        params["fresh_after"] = now - timedelta(days=suite.cadence_days)
    return params


def _jsonable(value):
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _columns(kwargs: dict) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return None


KEEP_RESULTS = 3  # great-expectations' own result files kept per suite (ops.check_runs keeps every outcome)


def prune_results(suite_name: str, keep: int = KEEP_RESULTS) -> int:
    """Remove all but the newest `keep` validation-result folders great-expectations wrote for the suite
    (uncommitted/validations/<suite>/<run>/<timestamp>/): every refresh writes one per suite, and they
    would grow without bound like the dbt targets did. Returns how many were removed."""
    import shutil

    root = GX_ROOT / "uncommitted" / "validations" / suite_name
    runs = sorted((p for p in root.glob("*/*") if p.is_dir()), key=lambda p: p.name, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)  # another process may be pruning the same suite
    return max(0, len(runs) - keep)


def validate(suite: Suite, frame: pd.DataFrame, params: dict) -> Outcome:
    result = (
        _context()
        .validation_definitions.get(suite.name)
        .run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=params,
            result_format={"result_format": "COMPLETE"},
        )
    )
    prune_results(suite.name)
    failures = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        kwargs = {k: v for k, v in cfg.kwargs.items() if k not in ("batch_id", "result_format")}
        res = r.result or {}
        rows = res.get("unexpected_index_list") or []
        sample = frame.iloc[[i for i in rows[:SAMPLE_ROWS] if isinstance(i, int)]] if rows else frame.iloc[0:0]
        failures.append(
            {
                "expectation": cfg.type,
                "column": _columns(kwargs),
                "kwargs": {k: _jsonable(v) if not isinstance(v, (list, dict)) else v for k, v in kwargs.items()},
                "observed": _jsonable(res.get("observed_value")),
                "unexpected_count": res.get("unexpected_count"),
                "sample_values": [
                    _jsonable(v) if not isinstance(v, (tuple, dict)) else str(v)
                    for v in (res.get("partial_unexpected_list") or [])[:SAMPLE_ROWS]
                ],
                "sample_rows": json.loads(sample.to_json(orient="records", date_format="iso")),
                "exception": (r.exception_info or {}).get("exception_message") if r.exception_info else None,
            }
        )
    return Outcome(
        suite=suite.name,
        table=suite.table,
        success=bool(result.success),
        row_count=len(frame),
        units=units(suite, frame),
        evaluated=len(result.results),
        failures=failures,
        parameters={k: _jsonable(v) for k, v in params.items()},
    )


def record(conn: duckdb.DuckDBPyConnection, run_id: str, outcome: Outcome) -> None:
    conn.execute(OPS_DDL)
    conn.execute(
        "insert into ops.check_runs (run_id, suite, table_name, passed, evaluated, failed, row_count, "
        "failed_expectations, evaluated_at, units) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            outcome.suite,
            outcome.table,
            outcome.success,
            outcome.evaluated,
            len(outcome.failures),
            outcome.row_count,
            json.dumps(outcome.failures, default=str),
            datetime.now(UTC).replace(tzinfo=None),
            outcome.units,
        ],
    )
