"""Configuration in one place: built-in defaults < escalator.yaml < environment variables.

With no configuration at all the platform runs on the embedded real data in data/embedded/.
Live sources are switched on per source (`sources.<name>.live: true` in the YAML file, or
ESCALATOR_<NAME>_LIVE=1); their secrets only ever come from the environment.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assets.platform.feeds import SOURCES

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EMBEDDED_DIR = PROJECT_ROOT / "data" / "embedded"

# Every switchable source and the environment variables holding its secrets (the feed registry)
SOURCE_SECRETS: dict[str, tuple[str, ...]] = {s.name: s.secrets for s in SOURCES}


@dataclass(frozen=True)
class SourceConfig:
    name: str
    live: bool = False
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    step_retries: int = 3  # ESCALATOR_NETWORK_RETRIES
    step_retry_delay: float = 30.0  # ESCALATOR_NETWORK_RETRY_DELAY (seconds, doubled per retry)
    force_refetch: bool = False  # ESCALATOR_FORCE_REFETCH


@dataclass(frozen=True)
class CeleryConfig:
    """The broker and result backend the `travel_time_matrix_celery` job and its workers share."""

    broker: str = "redis://127.0.0.1:6379/0"  # ESCALATOR_CELERY_BROKER
    backend: str = "redis://127.0.0.1:6379/1"  # ESCALATOR_CELERY_BACKEND
    # a chunk held by a worker that died is handed to another after this many seconds; it must exceed
    # the longest chunk's run time, or a live chunk is handed out twice
    visibility_timeout: int = 600  # ESCALATOR_CELERY_VISIBILITY_TIMEOUT


@dataclass(frozen=True)
class Settings:
    warehouse_path: Path
    published_dir: Path
    reports_dir: Path
    dropzone_dir: Path
    dagster_home: Path
    embedded_dir: Path
    transport_engine: str  # "embedded" or "r5py"
    r5_jar: Path | None
    sources: dict[str, SourceConfig]
    text_engine: str = "shipped"  # "shipped" MiniLM vectors, "minilm" (recompute) or "tfidf"
    contact_email: str | None = None  # the reports' contact address (footer, accessibility statement)
    dropzone_poll_seconds: int = 60  # how often the daemon looks in the job-ad drop folder
    # where the travel-time chunks pass the timetable and their results between processes and machines:
    # a folder every worker mounts, or an fsspec URL (s3://..., with the filesystem's package installed)
    exchange_dir: str = ".dagster_home/exchange"
    # "celery": `escalator refresh` runs daily_refresh / transport_refresh with every step a Celery task,
    # the travel-time chunks fanned out to the chunk workers (README "The matrix on Celery")
    refresh_executor: str = "in_process"
    celery: CeleryConfig = field(default_factory=CeleryConfig)

    def source(self, name: str) -> SourceConfig:
        return self.sources.get(name, SourceConfig(name=name))


def _path(value: str | os.PathLike, base: Path = PROJECT_ROOT) -> Path:
    p = Path(value).expanduser()
    # absolute but not resolved: published/ is a symlink that must stay a symlink
    return Path(os.path.normpath(p if p.is_absolute() else base / p))


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _seconds(key: str, value) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{key}: expected a whole number of seconds >= 1, got {value!r}")
    return int(text)


REFRESH_EXECUTORS = ("in_process", "celery")


def _choice(key: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{key}: expected one of {', '.join(choices)}, got {value!r}")
    return value


class ConfigError(ValueError):
    """The configuration file named cannot be used: the command stops (exit 2) naming it."""


def load_settings(config_file: str | os.PathLike | None = None) -> Settings:
    """Read escalator.yaml (or ESCALATOR_CONFIG) and apply environment overrides. A file named explicitly
    (argument or ESCALATOR_CONFIG) must exist: a typo must not refresh the default site instead."""
    named = config_file or os.environ.get("ESCALATOR_CONFIG")
    cfg_path = _path(named or "escalator.yaml")
    raw: dict[str, Any] = {}
    if named and not cfg_path.is_file():
        raise ConfigError(f"ESCALATOR_CONFIG names {cfg_path}, which does not exist (nothing was refreshed)")
    if cfg_path.exists():
        try:
            raw = yaml.safe_load(cfg_path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{cfg_path}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{cfg_path}: expected a mapping at the top level")
    env = os.environ

    def pick(env_name: str, key: str, default: str) -> str:
        return env.get(env_name) or str(raw.get(key) or default)

    sources: dict[str, SourceConfig] = {}
    for name in SOURCE_SECRETS:
        opts = dict((raw.get("sources") or {}).get(name) or {})
        live = bool(opts.pop("live", False))
        enabled = bool(opts.pop("enabled", True))
        env_live = env.get(f"ESCALATOR_{name.upper()}_LIVE")
        if env_live is not None:
            live = _truthy(env_live)
        sources[name] = SourceConfig(
            name=name,
            live=live,
            enabled=enabled,
            options=opts,
            step_retries=int(env.get("ESCALATOR_NETWORK_RETRIES") or opts.pop("step_retries", 3)),
            step_retry_delay=float(env.get("ESCALATOR_NETWORK_RETRY_DELAY") or opts.pop("step_retry_delay", 30)),
            force_refetch=_truthy(env.get("ESCALATOR_FORCE_REFETCH", "")),
        )

    r5_jar = env.get("R5_JAR") or raw.get("r5_jar")
    dagster_home = _path(pick("DAGSTER_HOME", "dagster_home", ".dagster_home"))
    exchange = env.get("ESCALATOR_EXCHANGE_DIR") or raw.get("exchange_dir")
    celery_raw = raw.get("celery") or {}
    celery = CeleryConfig(
        broker=env.get("ESCALATOR_CELERY_BROKER") or celery_raw.get("broker") or CeleryConfig.broker,
        backend=env.get("ESCALATOR_CELERY_BACKEND") or celery_raw.get("backend") or CeleryConfig.backend,
        visibility_timeout=_seconds(
            "celery.visibility_timeout",
            env.get("ESCALATOR_CELERY_VISIBILITY_TIMEOUT")
            or celery_raw.get("visibility_timeout", CeleryConfig.visibility_timeout),
        ),
    )
    return Settings(
        warehouse_path=_path(pick("ESCALATOR_WAREHOUSE", "warehouse", "warehouse/escalator.duckdb")),
        published_dir=_path(pick("ESCALATOR_PUBLISHED_DIR", "published_dir", "published")),
        reports_dir=_path(pick("ESCALATOR_REPORTS_DIR", "reports_dir", "reports/output")),
        dropzone_dir=_path(pick("ESCALATOR_DROPZONE", "dropzone_dir", "dropzone/jobads")),
        dagster_home=dagster_home,
        embedded_dir=_path(pick("ESCALATOR_EMBEDDED_DIR", "embedded_dir", str(EMBEDDED_DIR))),
        transport_engine=pick("ESCALATOR_TRANSPORT_ENGINE", "transport_engine", "embedded"),
        r5_jar=_path(r5_jar) if r5_jar else None,
        sources=sources,
        text_engine=pick("ESCALATOR_TEXT_ENGINE", "text_engine", "shipped"),
        contact_email=env.get("ESCALATOR_CONTACT_EMAIL") or raw.get("contact_email") or None,
        # not pick(): a 0 in the file must be refused, not replaced by the default
        dropzone_poll_seconds=_seconds(
            "dropzone_poll_seconds",
            env.get("ESCALATOR_DROPZONE_POLL_SECONDS") or raw.get("dropzone_poll_seconds", 60),
        ),
        # a URL stays as written; a path is resolved like the others (default: beside the Dagster storage)
        exchange_dir=exchange if exchange and "://" in exchange else str(_path(exchange or dagster_home / "exchange")),
        celery=celery,
        refresh_executor=_choice(
            "refresh_executor", pick("ESCALATOR_REFRESH_EXECUTOR", "refresh_executor", "in_process"), REFRESH_EXECUTORS
        ),
    )
