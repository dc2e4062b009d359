"""Dagster resources: the DuckDB warehouse, the platform's paths and source switches, dbt."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration.settings import Settings, load_settings


class PlatformConfig(dg.ConfigurableResource):
    """Folders the assets read and write. Built from orchestration.settings (one place)."""

    embedded_dir: str
    published_dir: str
    reports_dir: str
    dropzone_dir: str
    transport_engine: str = "embedded"
    text_engine: str = "shipped"

    @property
    def embedded(self) -> Path:
        return Path(self.embedded_dir)

    @property
    def published(self) -> Path:
        return Path(self.published_dir)

    @property
    def reports(self) -> Path:
        return Path(self.reports_dir)

    @property
    def dropzone(self) -> Path:
        return Path(self.dropzone_dir)


def build_resources(settings: Settings | None = None) -> dict:
    from orchestration.dbt import dbt_resource  # dbt import is heavy; keep it out of settings users

    s = settings or load_settings()
    s.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "warehouse": DuckDBResource(database=str(s.warehouse_path)),
        "platform": PlatformConfig(
            embedded_dir=str(s.embedded_dir),
            published_dir=str(s.published_dir),
            reports_dir=str(s.reports_dir),
            dropzone_dir=str(s.dropzone_dir),
            transport_engine=s.transport_engine,
            text_engine=s.text_engine,
        ),
        "dbt": dbt_resource(),
    }
