"""dbt models (staging, intermediate, marts) as Dagster assets, built with `dbt build` so a failing
dbt test stops everything downstream of it in the same invocation."""

import os
from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration.dbt import DBT_ENV, TRANSLATOR, dbt_project


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_models",
    pool="duckdb",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource) -> Iterator:
    # dbt runs in a subprocess; it reads the warehouse path from the same setting as the Python assets.
    os.environ["ESCALATOR_WAREHOUSE"] = str(warehouse.database)
    os.environ.update(DBT_ENV)
    yield from dbt.cli(["build"], context=context).stream()
