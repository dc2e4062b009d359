"""dbt models (staging, intermediate, marts) as Dagster assets, built with `dbt build` so a failing
dbt test stops everything downstream of it in the same invocation."""

import os
import shutil
from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration.dbt import DBT_ENV, TRANSLATOR, dbt_project
from orchestration.resources import PlatformConfig


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_models",
    pool="duckdb",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource,
               platform: PlatformConfig) -> Iterator:
    # dbt runs in a subprocess; it reads the warehouse path from the same setting as the Python assets.
    os.environ["ESCALATOR_WAREHOUSE"] = str(warehouse.database)
    os.environ.update(DBT_ENV)
    yield from dbt.cli(["build"], context=context).stream()
    # Static dbt docs (one self-contained HTML file, readable offline) with every run.
    docs = dbt.cli(["docs", "generate", "--static"], raise_on_error=False)
    docs.wait()
    static = docs.target_path / "static_index.html"
    if docs.is_successful() and static.exists():
        platform.reports.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static, platform.reports / "dbt_docs.html")
    else:
        context.log.warning("dbt docs generate failed; the models were built, the docs page is stale")
