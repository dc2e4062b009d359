"""The resources every asset and sensor gets its configuration from (built once, in orchestration/, from
escalator.yaml and the environment; shown in the Dagster UI under Deployment > Resources).

`PlatformConfig` holds the folders and engines; one `FeedSource` per live connector holds its switch,
options, secrets (as Dagster EnvVars: the UI shows the variable's name, never its value) and retries.
"""

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

import dagster as dg
from dagster_duckdb import DuckDBResource


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse, closing its connection when a step fails too: dagster-duckdb 0.29 closes it
    only on success, so a failed feed left the file open in the run's process with the resource's
    config, and the failure hook could not record its alert in ops.alerts ("different configuration")."""

    @contextmanager
    def get_connection(self):
        with super().get_connection() as conn:
            try:
                yield conn
            finally:
                conn.close()


class PlatformConfig(dg.ConfigurableResource):
    """Folders the assets read and write, and the compute engines."""

    embedded_dir: str
    published_dir: str
    reports_dir: str
    dropzone_dir: str
    dagster_home: str = ".dagster_home"
    warehouse_path: str = "warehouse/escalator.duckdb"
    transport_engine: str = "embedded"  # embedded | r5py
    text_engine: str = "shipped"  # shipped | minilm | tfidf
    r5_jar: Optional[str] = None
    contact_email: Optional[str] = None  # shown in the report footer and accessibility statement

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


class FeedSource(dg.ConfigurableResource):
    """One live connector (see assets/platform/feeds.py SOURCES): off by default, the embedded data is used."""

    name: str
    live: bool = False
    enabled: bool = True  # for file feeds that can be dropped (embedded_jobads)
    options: dict[str, Any] = {}
    api_key: Optional[str] = None  # NOMIS_API_KEY, STATXPLORE_API_KEY, BODS_API_KEY, ADZUNA_APP_KEY
    app_id: Optional[str] = None  # ADZUNA_APP_ID
    http_retries: int = 4  # per request, with exponential backoff
    http_backoff: float = 1.0
    timeout_seconds: float = 60.0  # each HTTP attempt; a hung publisher fails the step, never blocks it
    step_retries: int = 3  # whole-step retries on top (a feed down for minutes)
    step_retry_delay: float = 30.0
    force_refetch: bool = False  # ignore the release ledger and download everything again

    def http_options(self) -> dict[str, float]:
        return {
            "retries": int(self.options.get("http_retries", self.http_retries)),
            "backoff": float(self.options.get("http_backoff", self.http_backoff)),
            "timeout": float(self.options.get("timeout_seconds", self.timeout_seconds)),
        }

    def session(self, **extra):
        from assets.platform.http import make_session

        return make_session(**self.http_options(), **extra)

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


@contextmanager
def step_retries(context: dg.AssetExecutionContext, source: FeedSource):
    """Retry the whole step, with exponential backoff, when a live feed fails (after the per-request
    retries gave up): the publisher may be down for minutes. The last attempt's error is raised as is."""
    try:
        yield
    except dg.RetryRequested:
        raise
    except Exception as exc:
        attempt = context.retry_number
        if not source.live or attempt >= source.step_retries:
            raise
        wait = source.step_retry_delay * (2**attempt)
        context.log.warning(
            f"{source.name}: {type(exc).__name__}: {exc}; step retry {attempt + 1} of "
            f"{source.step_retries} in {wait:g} s"
        )
        raise dg.RetryRequested(max_retries=source.step_retries, seconds_to_wait=wait) from exc
