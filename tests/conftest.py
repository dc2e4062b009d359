"""Tests run against a throw-away warehouse, published folder and DAGSTER_HOME: these environment
variables are set before anything imports orchestration.definitions (which reads them once)."""

import os
import shutil
import tempfile
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


@pytest.fixture(scope="session")
def refreshed(tmp_root):
    """The whole daily refresh on the embedded data, once per test session."""
    import dagster as dg

    from assets.jobads.assets import EMBEDDED_SEEN_DATE
    from orchestration.definitions import defs

    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("daily_refresh").execute_in_process(
            instance=instance, raise_on_error=False, partition_key=EMBEDDED_SEEN_DATE
        )
    if not result.success:  # every test on the refreshed site would read a half-built one: say so once, loudly
        failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        pytest.fail(f"the session's daily refresh failed at {failed}: see the run's events", pytrace=False)
    return result


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
