"""The dbt project as Dagster assets: keys are <schema>/<model>, sources are raw/<table>, so the dbt
models sit downstream of the Python assets that load their sources, with no key remapping."""

import os
import sys
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

DBT_ENV = {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    if not project.manifest_path.exists():  # a fresh clone: parse once (no network needed)
        for k, v in DBT_ENV.items():
            os.environ.setdefault(k, v)
        project.preparer.prepare(project)
    return project


def dbt_resource() -> DbtCliResource:
    dbt_exe = Path(sys.executable).with_name("dbt")  # the venv's dbt, whether or not PATH has it
    return DbtCliResource(project_dir=dbt_project(), profiles_dir=str(DBT_PROJECT_DIR),
                          dbt_executable=str(dbt_exe) if dbt_exe.exists() else "dbt")


class EscalatorDbtTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            return spec  # default key [source_name, table] == raw/<table>
        schema = props.get("config", {}).get("schema") or "marts"
        return spec.replace_attributes(key=dg.AssetKey([schema, props["name"]]), group_name=schema)


TRANSLATOR = EscalatorDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
