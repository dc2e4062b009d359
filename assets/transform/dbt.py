"""dbt models (staging, intermediate, marts) as Dagster assets, built with `dbt build` so a failing
dbt test stops everything downstream of it in the same invocation.

Blocking great-expectations checks on marts that feed other marts make Dagster split this multi-asset into
several steps (dbt_models, dbt_models_2, ...), each a `dbt build --select <its models>`. dbt's default
"eager" test selection would then run a test as soon as one parent is selected, even when the other parent
(in a later step) does not exist yet on a fresh warehouse; "buildable" runs a test once every parent is
selected or already upstream of the selection."""

import contextlib
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from assets.platform.resources import PlatformConfig
from assets.transform.project import DBT_PROJECT_DIR, TRANSLATOR, dbt_project, warehouse_vars


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_models",
    pool="duckdb",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource) -> Iterator:
    target = invocation_folder(warehouse.database, f"{context.op_execution_context.op.name}-{context.run.run_id[:7]}")
    build = dbt.cli(
        ["build", "--indirect-selection", "buildable", *warehouse_vars(warehouse.database)],
        context=context,
        target_path=target,
    )
    yield from build.stream()  # raises on failure, so a failed build keeps its folder for debugging
    keep_parse_state(build.target_path, warehouse.database)
    remove_invocation_folder(build.target_path)


# dbt re-reads every file unless the last parse had the same --vars and profile; ours carry the warehouse path,
# so the project's own target/partial_parse.msgpack (parsed with none) never matches, and each of a refresh's
# six invocations parsed the whole project (~3 s each). The state the last invocation on a warehouse left is
# kept per warehouse and handed to the next one; dbt still re-reads every file that changed since.
PARSE_STATES = DBT_PROJECT_DIR / "target" / "parse_state"
PARSE_STATE_DAYS = 3  # a state not used for this long goes (tests make many warehouses; each state is ~1 MB)


def _parse_state(database: str) -> Path:
    return PARSE_STATES / f"{hashlib.sha256(str(database).encode()).hexdigest()[:16]}.msgpack"


def invocation_folder(database: str, name: str) -> Path:
    """A new target folder for one dbt invocation, holding the parse state the last one on this warehouse
    left (dagster-dbt copies the project's own only where the folder has none)."""
    folder = DBT_PROJECT_DIR / "target" / f"{name}-{uuid.uuid4().hex[:7]}"
    folder.mkdir(parents=True)
    state = _parse_state(database)
    try:
        shutil.copyfile(state, folder / "partial_parse.msgpack")
    except FileNotFoundError:
        pass  # first invocation on this warehouse: dbt parses everything and leaves the state to keep
    return folder


def keep_parse_state(folder: Path, database: str) -> None:
    """Keep a successful invocation's parse state for the next on the same warehouse (atomic replace, so
    two processes never read half a file); drop the states of warehouses unused for PARSE_STATE_DAYS."""
    source = Path(folder) / "partial_parse.msgpack"
    if not source.exists():
        return
    PARSE_STATES.mkdir(parents=True, exist_ok=True)
    state = _parse_state(database)
    partial = state.with_name(f"{state.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, partial)
    os.replace(partial, state)
    cutoff = time.time() - PARSE_STATE_DAYS * 86400
    for old in PARSE_STATES.glob("*.msgpack"):
        with contextlib.suppress(FileNotFoundError):  # another process may prune it first
            if old.stat().st_mtime < cutoff:
                old.unlink()


def remove_invocation_folder(path) -> None:
    """Each dbt invocation writes its own target folder (~6 MB; four per daily refresh, ~9 GB a year). Its
    results are in Dagster's events and the run's log file by then, so a successful one is removed."""
    path = Path(path).resolve()
    if path.parent == (DBT_PROJECT_DIR / "target").resolve():  # never the project's own target/
        shutil.rmtree(path, ignore_errors=True)


def write_dbt_docs(dbt: DbtCliResource, warehouse: DuckDBResource, platform: PlatformConfig, log) -> None:
    """Static dbt docs (one self-contained HTML file, readable offline), once per run with the reports."""
    docs = dbt.cli(
        ["docs", "generate", "--static", *warehouse_vars(warehouse.database)],
        raise_on_error=False,
        target_path=invocation_folder(warehouse.database, "docs"),
    )
    docs.wait()
    static = docs.target_path / "static_index.html"
    if docs.is_successful() and static.exists():
        platform.reports.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static, platform.reports / "dbt_docs.html")
        keep_parse_state(docs.target_path, warehouse.database)
        remove_invocation_folder(docs.target_path)
    else:
        log.warning("dbt docs generate failed; the models were built, the docs page is stale")
