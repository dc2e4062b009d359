"""The daily refresh's jobs on Celery, as a site configured for it runs them (`refresh_executor: celery`):
every step a Celery task, the steps that open the warehouse on the one warehouse worker (DuckDB's single
writer), the travel-time chunks on the chunk workers. Apart from tests/test_celery.py because it needs the
session's refreshed site (that module does not, and runs while the refresh does)."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.celery_cluster import local_cluster, redis_server
from tests.site_copy import copy_site
from tests.test_celery import _executions, _free_port

pytestmark = pytest.mark.skipif(
    redis_server() is None,
    reason="redis-server is not installed, so the Celery refresh cannot run here: `make test` installs "
    "Debian's redis-server when run as root (apt-get install redis-server)",
)


ORIGINS = 60  # a smoke run's sample (--origin-limit): the chunks' rows are compared, the matrix is kept


def test_the_transport_refresh_on_celery_computes_the_in_process_rows_and_publishes(refreshed, tmp_path):
    """`escalator refresh --job transport_refresh --origin-limit 60` on a copy of the refreshed site configured
    for Celery: every step a Celery task, the warehouse steps (feeds, plan, write, dbt, checks, publication,
    reports) on the one warehouse worker, the chunks on the chunk worker; the sample's rows are the session's
    in-process rows for the same origins, and the publication that follows keeps the matrix as it was."""
    assert refreshed.success
    copy_site(
        Path(os.environ["ESCALATOR_WAREHOUSE"]),
        Path(os.environ["ESCALATOR_PUBLISHED_DIR"]),
        tmp_path / "warehouse.duckdb",
        tmp_path / "published",
    )
    port = _free_port()
    env = {
        **os.environ,
        "ESCALATOR_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "ESCALATOR_PUBLISHED_DIR": str(tmp_path / "published"),
        "ESCALATOR_REPORTS_DIR": str(tmp_path / "reports"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "ESCALATOR_EXCHANGE_DIR": str(tmp_path / "exchange"),
        "ESCALATOR_CELERY_BROKER": f"redis://127.0.0.1:{port}/0",
        "ESCALATOR_CELERY_BACKEND": f"redis://127.0.0.1:{port}/1",
        "ESCALATOR_REFRESH_EXECUTOR": "celery",  # as a site configured for it: no flag on the command
    }
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with local_cluster(1, tmp_path / "cluster", port=port, env=env):
        cmd = [str(Path(sys.executable).with_name("escalator")), "refresh", "--job", "transport_refresh"]
        cmd += ["--origin-limit", str(ORIGINS)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "on Celery workers" in done.stdout

    executed = _executions(dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")))
    chunks = {w.split("@")[0] for s, w in executed if "travel_time_chunk" in s}
    others = {w.split("@")[0] for s, w in executed if "travel_time_chunk" not in s}
    assert chunks and chunks == {"w1"} and others == {"warehouse"}, executed

    columns = 'origin_lsoa, destination_lsoa, "window", p50_minutes, p80_minutes'
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        on_celery = conn.execute(f"select {columns} from derived.travel_times_sample order by 1, 2, 3").fetchall()
    origins = sorted({row[0] for row in on_celery})
    with duckdb.connect(os.environ["ESCALATOR_WAREHOUSE"], read_only=True) as conn:
        in_process = conn.execute(
            f"select {columns} from derived.travel_times where origin_lsoa in (select unnest(?)) order by 1, 2, 3",
            [origins],
        ).fetchall()
    assert len(origins) == ORIGINS and on_celery == in_process

    query = "select * exclude (engine) from fct_travel_times order by 1, 2, 3"
    published = Path(os.environ["ESCALATOR_PUBLISHED_DIR"]).resolve() / "escalator_published.duckdb"
    with duckdb.connect(str(published), read_only=True) as conn:
        before = conn.execute(query).fetchall()
    republished = (tmp_path / "published").resolve()
    assert republished.name != Path(os.environ["ESCALATOR_PUBLISHED_DIR"]).resolve().name  # a new version
    with duckdb.connect(str(republished / "escalator_published.duckdb"), read_only=True) as conn:
        after = conn.execute(query).fetchall()
    assert len(after) == len(before) > 0 and after == before  # the smoke run left the matrix alone
