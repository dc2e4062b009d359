"""Warehouse helpers shared by every Python asset: schemas, atomic table writes, the quarantine."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

SCHEMAS = ("raw", "derived", "staging", "intermediate", "marts", "published")

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    source      varchar not null,   -- feed or file the record came from
    partition   varchar,            -- feed partition (e.g. job-ad day), null for unpartitioned
    record_id   varchar,            -- row number or the record's own id
    field       varchar,            -- the field that failed, null when the whole record did
    reason      varchar not null,
    record      varchar,            -- the record as JSON, for a person to fix
    run_id      varchar,
    quarantined_at timestamp not null
)
"""


@dataclass(frozen=True)
class QuarantineRow:
    record_id: str
    field: str | None
    reason: str
    record: dict

    def message(self, source: str) -> str:
        where = f" field '{self.field}'" if self.field else ""
        return f"{source} record {self.record_id}{where}: {self.reason}"


def ensure_schemas(conn: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        conn.execute(f"create schema if not exists {schema}")
    conn.execute(QUARANTINE_DDL)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def stamp(df: pd.DataFrame) -> pd.DataFrame:
    """Add `_loaded_at` (UTC) to a raw feed's rows: freshness checks compare it with the feed's cadence."""
    return df.assign(_loaded_at=pd.Timestamp(datetime.now(UTC).replace(tzinfo=None)))


def replace_table(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    df: pd.DataFrame,
    after: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> int:
    """Replace `schema.table` with df in one transaction: readers see the old or the new table.
    `after` runs in the same transaction (e.g. recording which release the table now holds)."""
    conn.register("_replace_src", df)
    try:
        conn.execute("begin transaction")
        conn.execute(f"create or replace table {table} as select * from _replace_src")
        if after is not None:
            after(conn)
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister("_replace_src")
    return len(df)


def table_exists(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `schema.table` exists (tables and views)."""
    schema, name = table.split(".")
    return (
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()[0]
        > 0
    )


def rows_where(conn: duckdb.DuckDBPyConnection, table: str, column: str, values: list[str]) -> pd.DataFrame:
    """The rows of an existing table whose `column` is in values (empty frame if none or no table)."""
    if not values or not table_exists(conn, table):
        return pd.DataFrame()
    marks = ", ".join("?" for _ in values)
    return conn.execute(f"select * from {table} where {quote(column)} in ({marks})", values).df()


def _json_default(value):
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return str(value)


def write_quarantine(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    rows: Iterable[QuarantineRow],
    run_id: str | None = None,
    partition: str | None = None,
) -> int:
    """Replace this source's (and partition's) quarantine rows: a rerun never duplicates them."""
    now = datetime.now(UTC).replace(tzinfo=None)
    frame = pd.DataFrame(
        [
            {
                "source": source,
                "partition": partition,
                "record_id": r.record_id,
                "field": r.field,
                "reason": r.reason,
                "record": json.dumps(r.record, default=_json_default, ensure_ascii=False),
                "run_id": run_id,
                "quarantined_at": now,
            }
            for r in rows
        ],
        columns=["source", "partition", "record_id", "field", "reason", "record", "run_id", "quarantined_at"],
    )
    conn.register("_quarantine_src", frame)
    try:
        conn.execute("begin transaction")
        conn.execute(
            "delete from raw.quarantine where source = ? and partition is not distinct from ?",
            [source, partition],
        )
        conn.execute("insert into raw.quarantine select * from _quarantine_src")
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister("_quarantine_src")
    return len(frame)
