"""Release ledger: which release of each live dataset the warehouse holds.

Official statistics change on release days, not daily. A live feed asks the publisher for the
current release marker (Nomis `LastUpdated`, an HTTP ETag/Last-Modified) and re-downloads a dataset
only when the marker differs from the one recorded here, or when the feed's resource says force_refetch
(ESCALATOR_FORCE_REFETCH=1: recovery after a table was damaged or a query changed).
"""

from datetime import UTC, datetime

import duckdb

LEDGER = "raw.feed_releases"
DDL = f"""
create table if not exists {LEDGER} (
    source      varchar not null,   -- the feed (nomis, ons_local_stats, ...)
    dataset     varchar not null,   -- the publisher's dataset id or our query id
    release     varchar not null,   -- the publisher's release marker as received
    loaded_at   timestamp not null,
    primary key (source, dataset)
)
"""


def known_release(conn: duckdb.DuckDBPyConnection, source: str, dataset: str) -> str | None:
    conn.execute(DDL)
    row = conn.execute(f"select release from {LEDGER} where source = ? and dataset = ?", [source, dataset]).fetchone()
    return row[0] if row else None


def is_current(
    conn: duckdb.DuckDBPyConnection, source: str, dataset: str, release: str | None, force: bool = False
) -> bool:
    """True when the warehouse already holds this release (an unknown marker never counts as current)."""
    return bool(release) and not force and known_release(conn, source, dataset) == release


def record_release(conn: duckdb.DuckDBPyConnection, source: str, dataset: str, release: str | None) -> None:
    """Call in the same transaction as the table write, after it succeeded."""
    conn.execute(DDL)
    if not release:
        conn.execute(f"delete from {LEDGER} where source = ? and dataset = ?", [source, dataset])
        return
    conn.execute(
        f"insert or replace into {LEDGER} values (?, ?, ?, ?)",
        [source, dataset, release, datetime.now(UTC).replace(tzinfo=None)],
    )


def forget_releases(conn: duckdb.DuckDBPyConnection, source: str) -> None:
    """The table no longer holds live releases of this source (e.g. it was reloaded from the embedded file)."""
    conn.execute(DDL)
    conn.execute(f"delete from {LEDGER} where source = ?", [source])


def held_and_current(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    table: str,
    key_column: str,
    releases: dict[str, str | None],
    force: bool = False,
):
    """(rows the table holds for these keys, the keys whose held rows are of the release now published).
    A key counts as current only if the ledger names this release AND the table still has its rows."""
    from assets.platform.warehouse import rows_where

    held = rows_where(conn, table, key_column, list(releases))
    present = set(held[key_column]) if not held.empty else set()
    current = [k for k, rel in releases.items() if k in present and is_current(conn, source, k, rel, force)]
    return held, current
