"""DAGSTER_HOME for terminal commands: persistent (run history survives restarts), telemetry off."""

import os
import shutil
from pathlib import Path

from orchestration.settings import Settings


def prepare_dagster_home(settings: Settings) -> Path:
    """Persistent DAGSTER_HOME (run history survives restarts) with telemetry off."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    if not cfg.exists():
        shutil.copyfile(Path(__file__).with_name("dagster.yaml"), cfg)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    return home
