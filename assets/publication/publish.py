"""Publication to the evaluation tracker and BI tools: the checked marts copied into the `published`
schema and exported as Parquet + CSV with a manifest.

Atomic for both readers: the DuckDB tables are replaced in one transaction; the files are written to a
new version folder and `published/` (a symlink) is switched to it with one rename. A run whose checks
fail never reaches this step (the checks are blocking), so the previous publication stays as it was.
"""

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.platform.feeds import FEEDS
from assets.platform.resources import PlatformConfig
from assets.platform.warehouse import table_exists
from assets.publication.datapackage import datapackage
from assets.transform.project import column_docs, published_marts

# marts whose dbt YAML says `meta: {publish: true}` (dimensions first)
PUBLISHED_MARTS = published_marts()
KEEP_VERSIONS = 5
# Free text stays in the warehouse: an advert description can carry names and contact details the scrub
# missed, and no BI use needs it
WAREHOUSE_ONLY_COLUMNS = {"fct_job_ads": ("description",)}
# The published tables as a DuckDB file of their own: written once, never opened for writing again, so a BI
# tool can open it read-only at any time - the warehouse itself is locked by DuckDB while a refresh writes
BI_DATABASE = "escalator_published.duckdb"
UTF8_BOM = b"\xef\xbb\xbf"  # Excel reads a CSV without it as ANSI and shows "Â£"


def column_schema(mart: str) -> dg.TableSchema:
    """The published columns with their dbt descriptions, for the Dagster UI's column view."""
    hidden = WAREHOUSE_ONLY_COLUMNS.get(mart, ())
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=c, type=doc.get("data_type") or "unknown", description=doc.get("description") or None)
            for c, doc in column_docs(mart).items()
            if c not in hidden
        ]
    )


def published_select(mart: str) -> str:
    hidden = WAREHOUSE_ONLY_COLUMNS.get(mart)
    return f"select * exclude ({', '.join(hidden)}) from marts.{mart}" if hidden else f"select * from marts.{mart}"


def add_bom(path: Path) -> None:
    data = path.read_bytes()
    if not data.startswith(UTF8_BOM):
        path.write_bytes(UTF8_BOM + data)


def versions_dir(published: Path) -> Path:
    return published.parent / f".{published.name}_versions"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def swap_symlink(link: Path, target: Path) -> None:
    """Point `link` at `target` atomically (rename of a new symlink over the old one)."""
    if link.exists() and not link.is_symlink():  # a plain folder from before versioning: keep it
        legacy = versions_dir(link) / "legacy"
        legacy.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(link), legacy)
    tmp = link.with_name(f".{link.name}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)
    os.replace(tmp, link)


def remove_incomplete(vdir: Path, current: Path) -> list[str]:
    """Version folders without a manifest (a publication killed part way) other than the live one."""
    live = current.resolve() if current.is_symlink() else None
    gone = []
    for p in vdir.iterdir() if vdir.exists() else []:
        if p.is_dir() and not (p / "manifest.json").exists() and p.resolve() != live:
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p.name)
    return gone


def _prune(vdir: Path, keep: Path) -> None:
    versions = sorted((p for p in vdir.iterdir() if p.is_dir() and p != keep), key=lambda p: p.name)
    for old in versions[: max(0, len(versions) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


def publish(conn, published: Path, run_id: str, marts: list[str] = PUBLISHED_MARTS) -> dict:
    now = datetime.now(UTC).replace(microsecond=0)
    version = now.strftime("%Y%m%dT%H%M%SZ") + "-" + run_id[:8]
    vdir = versions_dir(published)
    remove_incomplete(vdir, published)
    target = vdir / version
    target.mkdir(parents=True)
    files, tables = [], {}
    feeds = feed_status(conn, now.replace(tzinfo=None))
    in_transaction = False
    try:
        for mart in marts:
            rows = conn.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            tables[mart] = rows
            for fmt, opts in (("parquet", "(format parquet, compression zstd)"), ("csv", "(format csv, header)")):
                path = target / f"{mart}.{fmt}"
                conn.execute(f"copy ({published_select(mart)}) to '{path}' {opts}")
                if fmt == "csv":
                    add_bom(path)
                files.append({"path": path.name, "sha256": sha256(path), "rows": rows})
        files.append({"path": BI_DATABASE, "sha256": write_bi_database(conn, target / BI_DATABASE, marts, feeds)})
        manifest = {
            "version": version,
            "run_id": run_id,
            "published_at": now.isoformat(),
            "files": files,
            "tables": tables,
            "data_periods": _data_periods(conn),
            "checks": _check_outcomes(conn, run_id),
            "feeds": feeds.to_dict("records"),
            "warehouse_tables": [f"published.{m}" for m in marts],
        }
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        package = datapackage(conn, marts, files, version, now.isoformat(), WAREHOUSE_ONLY_COLUMNS)
        (target / "datapackage.json").write_text(json.dumps(package, indent=2, default=str))
        conn.execute("begin transaction")
        in_transaction = True
        conn.execute("create schema if not exists published")
        for mart in marts:
            conn.execute(f"create or replace table published.{mart} as {published_select(mart)}")
            copy_comments(conn, mart)
        conn.register("_feed_status", feeds)
        conn.execute("create or replace table published.feed_status as select * from _feed_status")
        conn.unregister("_feed_status")
        conn.execute(
            "create table if not exists ops.publications (version varchar, run_id varchar, "
            "published_at timestamp, manifest varchar)"
        )
        conn.execute(
            "insert into ops.publications values (?, ?, ?, ?)",
            [version, run_id, now.replace(tzinfo=None), json.dumps(manifest, default=str)],
        )
        conn.execute("commit")
    except Exception:
        if in_transaction:
            conn.execute("rollback")
        shutil.rmtree(target, ignore_errors=True)
        raise
    swap_symlink(published, target)
    _prune(vdir, target)
    return manifest


def write_bi_database(conn, path: Path, marts: list[str], feeds: pd.DataFrame) -> str:
    """The published tables (and feed_status) in a new DuckDB file; returns its sha256."""
    conn.execute(f"attach {_literal(str(path))} as bi_copy")
    try:
        for mart in marts:
            conn.execute(f"create table bi_copy.main.{mart} as {published_select(mart)}")
        conn.register("_bi_feed_status", feeds)
        conn.execute("create table bi_copy.main.feed_status as select * from _bi_feed_status")
        conn.unregister("_bi_feed_status")
    finally:
        conn.execute("detach bi_copy")
    return sha256(path)


def copy_comments(conn, mart: str) -> None:
    """The descriptions dbt persisted on marts.<mart> (persist_docs), onto the published copy: a BI tool
    browsing the DuckDB file sees what each table and column means."""
    table = conn.execute(
        "select comment from duckdb_tables() where schema_name = 'marts' and table_name = ?", [mart]
    ).fetchone()
    if table and table[0]:
        conn.execute(f"comment on table published.{mart} is {_literal(table[0])}")
    for column, comment in conn.execute(
        "select m.column_name, m.comment from duckdb_columns() as m join duckdb_columns() as p "
        "on p.column_name = m.column_name and p.schema_name = 'published' and p.table_name = m.table_name "
        "where m.schema_name = 'marts' and m.table_name = ? and coalesce(m.comment, '') <> ''",
        [mart],
    ).fetchall():
        conn.execute(f'comment on column published.{mart}."{column}" is {_literal(comment)}')


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def feed_status(conn, now: datetime) -> pd.DataFrame:
    """How old each feed's data is against its cadence (assets/platform/feeds.py), for the status strip
    and BI tools: published beside the marts so the reports never read below `published`."""
    rows = []
    for feed in FEEDS:
        stamps = []
        for key in feed.assets:
            table = ".".join(key)
            column = feed.stamp_column
            if (
                table_exists(conn, table)
                and conn.execute(
                    "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
                    "and column_name = ?",
                    [key[0], key[1], column],
                ).fetchone()[0]
            ):
                stamps.append(conn.execute(f"select max({column}) from {table}").fetchone()[0])
        latest = max((s for s in stamps if s is not None), default=None)
        if latest is not None and not isinstance(latest, datetime):
            latest = datetime.combine(latest, datetime.min.time())
        age = (now - latest).total_seconds() / 86400 if latest is not None else None
        rows.append(
            {
                "feed": feed.name,
                "label": feed.label,
                "publisher": feed.publisher,
                "latest_data": latest,
                "cadence_days": feed.cadence_days,
                "age_days": round(age, 2) if age is not None else None,
                "stale": age is None or age > feed.cadence_days,
                "on_status_strip": feed.on_status_strip,
            }
        )
    return pd.DataFrame(rows).astype({"latest_data": "datetime64[us]", "age_days": "float64"})


def _data_periods(conn) -> dict:
    rows = conn.execute("""
        select coalesce(source, 'unknown'), min(period_start), max(period_end)
        from marts.fct_plan_indicators where value is not null group by 1 order by 1""").fetchall()
    return {src: {"from": str(lo), "to": str(hi)} for src, lo, hi in rows}


def _check_outcomes(conn, run_id: str) -> list[dict]:
    conn.execute("create schema if not exists ops")
    if not table_exists(conn, "ops.check_runs"):
        return []
    rows = conn.execute(
        "select suite, passed, evaluated, failed, row_count from ops.check_runs where run_id = ? order by suite",
        [run_id],
    ).fetchall()
    return [{"suite": s, "passed": p, "evaluated": e, "failed": f, "rows": n} for s, p, e, f, n in rows]


@dg.multi_asset(
    name="tracker_publication",
    specs=[
        dg.AssetSpec(
            ["published", m],
            deps=[dg.AssetKey(["marts", m])],
            group_name="published",
            kinds={"duckdb", "parquet", "csv"},
            metadata={"dagster/column_schema": column_schema(m)},
            description=f"published.{m}: checked copy of marts.{m} for the tracker and BI tools",
        )
        for m in PUBLISHED_MARTS
    ],
    pool="duckdb",
)
def tracker_publication(context: dg.AssetExecutionContext, warehouse: DuckDBResource, platform: PlatformConfig):
    with warehouse.get_connection() as conn:
        manifest = publish(conn, platform.published, context.run.run_id)
    context.log.info(f"published version {manifest['version']} to {platform.published}")
    for mart in PUBLISHED_MARTS:
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["published", mart]),
            metadata={
                "dagster/row_count": manifest["tables"][mart],
                "version": manifest["version"],
                "parquet": dg.MetadataValue.path(str(platform.published / f"{mart}.parquet")),
            },
        )
