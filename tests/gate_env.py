"""A private warehouse / published folder / embedded-data copy for tests that corrupt data."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.settings import EMBEDDED_DIR, load_settings
from tests.site_copy import copy_site

ENV_KEYS = (
    "ESCALATOR_WAREHOUSE",
    "ESCALATOR_PUBLISHED_DIR",
    "ESCALATOR_REPORTS_DIR",
    "ESCALATOR_EMBEDDED_DIR",
    "ESCALATOR_DROPZONE",
)


@dataclass
class Env:
    root: Path
    defs: dg.Definitions

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def embedded(self) -> Path:
        return self.root / "embedded"

    def run(
        self, job: str = "daily_refresh", quiet: bool = False, partition: str | None = None
    ) -> dg.ExecuteInProcessResult:
        from assets.jobads.assets import EMBEDDED_SEEN_DATE

        if partition is None and job in ("daily_refresh", "jobads_refresh"):
            partition = EMBEDDED_SEEN_DATE
        return self.defs.resolve_job_def(job).execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            partition_key=partition,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}} if quiet else None,
        )

    def sql(self, query: str, params=None):
        with duckdb.connect(str(self.warehouse), read_only=True) as conn:
            return conn.execute(query, params or []).fetchall()

    def published_bytes(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.published.resolve().iterdir())}


def make_env(root: Path, monkeypatch, start_from: tuple[Path, Path] | None = None) -> Env:
    from orchestration.definitions import build_defs

    shutil.copytree(EMBEDDED_DIR, root / "embedded")
    if start_from is not None:  # a refreshed site: its warehouse, timetable versions and publication
        copy_site(*start_from, root / "warehouse.duckdb", root / "published")
    values = dict(
        zip(
            ENV_KEYS,
            [root / "warehouse.duckdb", root / "published", root / "reports", root / "embedded", root / "dropzone"],
        )
    )
    for key, value in values.items():
        monkeypatch.setenv(key, str(value))
    return Env(root=root, defs=build_defs(load_settings()))
