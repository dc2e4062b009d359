"""The dbt project as Dagster assets: keys are <schema>/<model>, sources are raw/<table>, so the dbt
models sit downstream of the Python assets that load their sources, with no key remapping."""

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

DBT_ENV = {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _manifest_is_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    if _manifest_is_stale(project.manifest_path):  # fresh clone or edited models: parse (offline)
        subprocess.run([dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                        "--profiles-dir", str(DBT_PROJECT_DIR)],
                       check=True, cwd=DBT_PROJECT_DIR, env={**os.environ, **DBT_ENV})
    return project


def dbt_executable() -> str:
    exe = Path(sys.executable).with_name("dbt")  # the venv's dbt, whether or not PATH has it
    return str(exe) if exe.exists() else "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(), profiles_dir=str(DBT_PROJECT_DIR),
                          dbt_executable=dbt_executable())


class EscalatorDbtTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            return spec  # default key [source_name, table] == raw/<table>
        schema = props.get("config", {}).get("schema") or "marts"
        return spec.replace_attributes(key=dg.AssetKey([schema, props["name"]]), group_name=schema)


TRANSLATOR = EscalatorDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
