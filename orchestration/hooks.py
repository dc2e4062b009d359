"""Job hooks: a failed step is written to ops.refresh_failures and the tracker report is redrawn from
the last good publication with a banner saying this refresh failed (the publication itself untouched)."""

from datetime import UTC, datetime

import dagster as dg
import duckdb

REFRESH_FAILURES_DDL = """
create schema if not exists ops;
create table if not exists ops.refresh_failures (
    run_id varchar, step_key varchar, error varchar, failed_at timestamp
)
"""


def record_failure(conn: duckdb.DuckDBPyConnection, run_id: str, step_key: str, error: str) -> None:
    conn.execute(REFRESH_FAILURES_DDL)
    conn.execute(
        "insert into ops.refresh_failures values (?, ?, ?, ?)",
        [run_id, step_key, error[:2000], datetime.now(UTC).replace(tzinfo=None)],
    )


@dg.failure_hook(name="record_refresh_failure", required_resource_keys={"warehouse", "platform"})
def record_refresh_failure(context: dg.HookContext) -> None:
    exc = context.op_exception
    error = f"{type(exc).__name__}: {exc}" if exc else "step failed (see the run's logs)"
    # the resource's own connection settings: a failed step's connection may still be open in this process,
    # and DuckDB refuses a second connection to the same file with different settings
    with context.resources.warehouse.get_connection() as conn:
        record_failure(conn, context.run_id, context.step_key, error)
        from reports.build import rebuild_after_failure

        rebuild_after_failure(conn, context.resources.platform)
