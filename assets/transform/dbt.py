"""dbt models (staging, intermediate, marts) as Dagster assets, built with `dbt build` so a failing
dbt test stops everything downstream of it in the same invocation.

Blocking great-expectations checks on marts that feed other marts make Dagster split this multi-asset into
several steps (dbt_models, dbt_models_2, ...), each a `dbt build --select <its models>`. dbt's default
"eager" test selection would then run a test as soon as one parent is selected, even when the other parent
(in a later step) does not exist yet on a fresh warehouse; "buildable" runs a test once every parent is
selected or already upstream of the selection."""

import shutil
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
    build = dbt.cli(
        ["build", "--indirect-selection", "buildable", *warehouse_vars(warehouse.database)], context=context
    )
    yield from build.stream()  # raises on failure, so a failed build keeps its folder for debugging
    remove_invocation_folder(build.target_path)


def remove_invocation_folder(path) -> None:
    """Each dbt invocation writes its own target folder (~6 MB; four per daily refresh, ~9 GB a year). Its
    results are in Dagster's events and the run's log file by then, so a successful one is removed."""
    path = Path(path).resolve()
    if path.parent == (DBT_PROJECT_DIR / "target").resolve():  # never the project's own target/
        shutil.rmtree(path, ignore_errors=True)


def write_dbt_docs(dbt: DbtCliResource, warehouse: DuckDBResource, platform: PlatformConfig, log) -> None:
    """Static dbt docs (one self-contained HTML file, readable offline), once per run with the reports."""
    docs = dbt.cli(["docs", "generate", "--static", *warehouse_vars(warehouse.database)], raise_on_error=False)
    docs.wait()
    static = docs.target_path / "static_index.html"
    if docs.is_successful() and static.exists():
        platform.reports.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static, platform.reports / "dbt_docs.html")
        remove_invocation_folder(docs.target_path)
    else:
        log.warning("dbt docs generate failed; the models were built, the docs page is stale")
