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
"""
SAMPLE_ROWS = 10


@dataclass
class Outcome:
    suite: str
    table: str
    success: bool
    row_count: int
    evaluated: int
    failures: list[dict] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)


@cache
def _context():
    import great_expectations as gx

    return gx.get_context(mode="file", project_root_dir=str(GX_ROOT))


def parameters(conn: duckdb.DuckDBPyConnection, suite: Suite, now: datetime | None = None) -> dict:
    """Suite parameters: row-count bounds from the last passing validation, freshness from the cadence."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    conn.execute(OPS_DDL)
    prev = conn.execute(
        "select row_count from ops.check_runs where suite = ? and passed order by evaluated_at desc limit 1",
        [suite.name],
    ).fetchone()
    params: dict = {}
    if suite.row_count_bounds:
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
        evaluated=len(result.results),
        failures=failures,
        parameters={k: _jsonable(v) for k, v in params.items()},
    )


def record(conn: duckdb.DuckDBPyConnection, run_id: str, outcome: Outcome) -> None:
    conn.execute(OPS_DDL)
    conn.execute(
        "insert into ops.check_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        ],
    )
