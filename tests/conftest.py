"""Tests run against a throw-away warehouse, published folder and DAGSTER_HOME: these environment
variables are set before anything imports orchestration.definitions (which reads them once)."""

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.settings import SOURCE_SECRETS  # reads no environment on import

ROOT = Path(__file__).resolve().parents[1]
CANARY_PREFIX = "CANARY-session-"
FIXTURES = Path(__file__).parent / "fixtures"
# idempotent: a test module importing tests.conftest must not start a second throw-away environment
_TMP = Path(os.environ.get("ESCALATOR_TEST_ROOT") or tempfile.mkdtemp(prefix="escalator-tests-"))
os.environ["ESCALATOR_TEST_ROOT"] = str(_TMP)
os.environ.update(
    {
        "ESCALATOR_WAREHOUSE": str(_TMP / "warehouse" / "escalator.duckdb"),
        "ESCALATOR_PUBLISHED_DIR": str(_TMP / "published"),
        "ESCALATOR_REPORTS_DIR": str(_TMP / "reports"),
        "ESCALATOR_DROPZONE": str(_TMP / "dropzone"),
        "DAGSTER_HOME": str(_TMP / "dagster_home"),
        "DO_NOT_TRACK": "1",
        "ESCALATOR_NETWORK_RETRIES": "1",
        "ESCALATOR_NETWORK_RETRY_DELAY": "0",
        # canary secrets: resolved into the session refresh's resources, and must be written nowhere
        # (tests/test_faults.py scans every file the session wrote)
        **{key: f"{CANARY_PREFIX}{key}" for keys in SOURCE_SECRETS.values() for key in keys},
    }
)
(_TMP / "dagster_home").mkdir(parents=True, exist_ok=True)
shutil.copyfile(ROOT / "orchestration" / "dagster.yaml", _TMP / "dagster_home" / "dagster.yaml")
ARTIFACTS = Path(os.environ.get("ESCALATOR_TEST_ARTIFACTS", ROOT / "test-artifacts"))


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return _TMP


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def pytest_sessionstart(session):
    """Create the session's Dagster storage once, before any worker process exists: two processes
    creating it together race to stamp its schema (alembic "more than one head")."""
    if hasattr(session.config, "workerinput"):
        return
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(_TMP / "dagster_home"))):
        pass


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle, which it keeps within each group
def pytest_collection_modifyitems(items):
    """The two xdist workers share one refreshed site (the `refreshed` fixture). Put one module that needs
    it first, so the refresh starts at once on one worker, and the modules that do not need it next, so
    the other worker has work while it runs; the remaining site modules last."""
    needs = {item.module.__name__ for item in items if "refreshed" in item.fixturenames}
    first = next((item.module.__name__ for item in items if item.module.__name__ in needs), None)

    def group(item) -> int:
        name = item.module.__name__
        return 0 if name == first else 2 if name in needs else 1

    items.sort(key=group)  # stable: the shuffled order stays within each group


@dataclass(frozen=True)
class Refresh:
    success: bool
    run_id: str
    dbt_steps: int  # dbt build steps that succeeded


@pytest.fixture(scope="session")
def refreshed(tmp_root) -> Refresh:
    """The whole daily refresh on the embedded data, once per test session: the first worker to get here
    runs it, the other waits on the lock and reads the outcome."""
    from filelock import FileLock

    with FileLock(tmp_root / "refresh.lock"):
        done = tmp_root / "refresh.json"
        if not done.exists():
            done.write_text(json.dumps(_refresh()))
        outcome = json.loads(done.read_text())
    if outcome["failed"] is not None:  # every test on the site would read a half-built one: say so, loudly
        pytest.fail(f"the session's daily refresh failed at {outcome['failed']}: see the run's events", pytrace=False)
    return Refresh(True, outcome["run_id"], outcome["dbt_steps"])


def _refresh() -> dict:
    import dagster as dg

    from assets.jobads.assets import EMBEDDED_SEEN_DATE
    from orchestration.definitions import defs

    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("daily_refresh").execute_in_process(
            instance=instance, raise_on_error=False, partition_key=EMBEDDED_SEEN_DATE
        )
    failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    dbt_steps = sum(e.event_type_value == "STEP_SUCCESS" and "dbt_models" in e.step_key for e in result.all_events)
    return {"run_id": result.run_id, "failed": None if result.success else failed, "dbt_steps": dbt_steps}


@pytest.fixture(scope="session")
def coder():
    from assets.jobads.soc_coder import SocCoder
    from orchestration.settings import EMBEDDED_DIR

    return SocCoder.from_files(
        EMBEDDED_DIR / "soc/soc2020_coding_index.csv", EMBEDDED_DIR / "soc/soc2020_unit_groups.csv"
    )


@pytest.fixture()
def warehouse(refreshed):
    import duckdb

    conn = duckdb.connect(os.environ["ESCALATOR_WAREHOUSE"], read_only=True)
    yield conn
    conn.close()
