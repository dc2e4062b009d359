"""Alert records for failed runs: a JSON line in DAGSTER_HOME/alerts.jsonl (always writable, even while a
run holds the warehouse), a row in ops.alerts when the warehouse is free, and an optional webhook POST
(ESCALATOR_ALERT_WEBHOOK, e.g. a Teams/Slack incoming webhook) with the run, job and error."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ALERTS_DDL = """
create schema if not exists ops;
create table if not exists ops.alerts (
    run_id varchar, job varchar, message varchar, created_at timestamp, webhook_status varchar
)"""


def alert_file(dagster_home: Path) -> Path:
    return Path(dagster_home) / "alerts.jsonl"


def post_webhook(url: str, payload: dict, timeout: float = 10) -> str:
    import requests

    try:
        resp = requests.post(url, json=payload, timeout=timeout)
        return f"HTTP {resp.status_code}"
    except requests.RequestException as exc:  # an alert channel being down must not hide the alert
        return f"failed: {type(exc).__name__}"


def record_alert(
    dagster_home: Path, database: Path | None, run_id: str, job: str, message: str, webhook_url: str | None = None
) -> dict:
    created = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    payload = {
        "text": f"Opportunity Escalator: run {run_id[:8]} of {job} failed: {message[:500]}",
        "run_id": run_id,
        "job": job,
        "message": message[:2000],
        "created_at": created.isoformat(),
    }
    status = post_webhook(webhook_url, payload) if webhook_url else "not configured"
    record = {**payload, "webhook_status": status}
    path = alert_file(dagster_home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    if database is not None and Path(database).exists():
        try:
            with duckdb.connect(str(database)) as conn:
                conn.execute(ALERTS_DDL)
                conn.execute(
                    "insert into ops.alerts values (?, ?, ?, ?, ?)", [run_id, job, message[:2000], created, status]
                )
        except duckdb.Error:
            record["warehouse"] = "busy: alert kept in alerts.jsonl only"
    return record


def webhook_url() -> str | None:
    return os.environ.get("ESCALATOR_ALERT_WEBHOOK") or None
