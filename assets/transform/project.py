"""The dbt project: where it is, its manifest, how its nodes become Dagster asset keys, and which marts
are published (`meta: {publish: true}` in the marts' YAML, read from the manifest).

Keys are <schema>/<model> and sources are <source>/<table> (raw/..., derived/...), so the dbt models sit
downstream of the Python assets that load their sources, with no key remapping."""

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
# dbt's own telemetry off, whatever the caller's environment says
GLOBAL_FLAGS = ["--no-send-anonymous-usage-stats"]


def _manifest_is_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


def dbt_executable() -> str:
    exe = Path(sys.executable).with_name("dbt")  # the venv's dbt, whether or not PATH has it
    return str(exe) if exe.exists() else "dbt"


def prepare_manifest(project: DbtProject) -> None:
    """Parse the project (offline, a few seconds) when the manifest is missing or older than a model:
    a fresh clone, or an edited model. `make install` parses too, so a normal start skips this."""
    if _manifest_is_stale(project.manifest_path):
        subprocess.run(
            [
                dbt_executable(),
                *GLOBAL_FLAGS,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            check=True,
            cwd=DBT_PROJECT_DIR,
        )


@cache
def dbt_project() -> DbtProject:
    """The project with a current manifest (parsed on first use in a process if stale)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    prepare_manifest(project)
    return project


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
        global_config_flags=GLOBAL_FLAGS,
    )


def dbt_var(name: str):
    """A threshold the dbt models use (dbt_project.yml vars): one value for the model, the Python compute
    that shares it and its checks."""
    import yaml

    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"][name]


def warehouse_vars(database: str) -> list[str]:
    """dbt reads the warehouse path from `--vars` (profiles.yml), the path the Python assets use."""
    return ["--vars", json.dumps({"warehouse": str(database)})]


@cache
def _manifest() -> dict:
    return json.loads(dbt_project().manifest_path.read_text())


def published_marts() -> list[str]:
    """Marts whose YAML says `meta: {publish: true}`: dimensions first, then facts, by name."""
    names = [
        n["name"]
        for n in _manifest()["nodes"].values()
        if n["resource_type"] == "model" and (n.get("config", {}).get("meta") or {}).get("publish")
    ]
    return sorted(names, key=lambda n: (not n.startswith("dim_"), n))


def column_docs(model: str) -> dict[str, dict]:
    """A model's documented columns (description, data_type) from the manifest."""
    for n in _manifest()["nodes"].values():
        if n["resource_type"] == "model" and n["name"] == model:
            return n.get("columns") or {}
    raise KeyError(model)


def model_description(model: str) -> str:
    for n in _manifest()["nodes"].values():
        if n["resource_type"] == "model" and n["name"] == model:
            return n.get("description") or ""
    raise KeyError(model)


class EscalatorDbtTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            return spec  # default key [source_name, table] == raw/<table>, derived/<table>
        schema = props.get("config", {}).get("schema") or "marts"
        meta = props.get("config", {}).get("meta") or {}
        tags = {**spec.tags, "publish": "true"} if meta.get("publish") else spec.tags
        return spec.replace_attributes(key=dg.AssetKey([schema, props["name"]]), group_name=schema, tags=tags)


TRANSLATOR = EscalatorDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
