"""great-expectations suites as blocking Dagster asset checks: one check per suite on its asset.

Suites run in two steps, one per layer: the raw-feed gate runs before dbt, the mart gate before
publication, so a failed check stops what is downstream of it within the same run."""

import json

import dagster as dg
from dagster_duckdb import DuckDBResource

from expectations import runner
from expectations.suites import SUITES, Suite


def _spec(s: Suite) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=f"gx_{s.name}",
        asset=dg.AssetKey(list(s.asset_key)),
        blocking=True,
        description=f"great-expectations suite '{s.name}' on {s.table}",
    )


def _result(s: Suite, outcome: runner.Outcome | None, error: str | None = None) -> dg.AssetCheckResult:
    key = dg.AssetKey(list(s.asset_key))
    if outcome is None:
        return dg.AssetCheckResult(
            asset_key=key,
            check_name=f"gx_{s.name}",
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"error": error or "not run"},
        )
    meta = {
        "suite": s.name,
        "table": s.table,
        "rows": outcome.row_count,
        "evaluated_expectations": outcome.evaluated,
        "failed_expectations": len(outcome.failures),
        "parameters": dg.MetadataValue.json(outcome.parameters),
    }
    if outcome.failures:
        meta["failures"] = dg.MetadataValue.json(json.loads(json.dumps(outcome.failures, default=str)))
        meta["summary"] = dg.MetadataValue.md(
            "\n".join(
                f"- `{f['expectation']}` on `{f['column']}`: {f['unexpected_count'] or 'table-level'} unexpected"
                + (f" (observed {f['observed']})" if f["observed"] is not None else "")
                for f in outcome.failures
            )
        )
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=f"gx_{s.name}",
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=meta,
    )


def _gate(name: str, suites: list[Suite]) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        specs=[_spec(s) for s in suites],
        name=name,
        can_subset=True,
        pool="duckdb",
        description="great-expectations gate: " + ", ".join(s.name for s in suites),
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource):
        selected = context.selected_asset_check_keys
        with warehouse.get_connection() as conn:
            for s in suites:
                if dg.AssetCheckKey(dg.AssetKey(list(s.asset_key)), f"gx_{s.name}") not in selected:
                    continue
                try:
                    frame = conn.execute(f"select * from {s.table}").df()
                except Exception as exc:  # a missing table fails the check, loudly
                    yield _result(s, None, f"cannot read {s.table}: {exc}")
                    continue
                outcome = runner.validate(s, frame, runner.parameters(conn, s, frame))
                runner.record(conn, context.run.run_id, outcome)
                if not outcome.success:
                    context.log.error(f"{s.name}: {len(outcome.failures)} expectation(s) failed on {s.table}")
                yield _result(s, outcome)

    return _check


raw_gate = _gate("gx_raw_feeds", [s for s in SUITES if s.asset_key[0] == "raw"])
mart_gate = _gate("gx_marts", [s for s in SUITES if s.asset_key[0] != "raw"])
ALL_CHECKS = [raw_gate, mart_gate]
