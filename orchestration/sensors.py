"""Sensors: the job-ad file drop (each file loaded once), run failures (alert record + optional webhook),
new GTFS feed versions (conditional HEAD requests to BODS), and the freshness checks."""

import hashlib
import json
import warnings
from pathlib import Path

import dagster as dg

from assets.jobads.sources import DROP_SUFFIXES, drop_file_seen_date
from assets.platform.resources import FeedSource, PlatformConfig
from orchestration.alerts import record_alert, webhook_url
from orchestration.freshness import FRESHNESS_CHECKS
from orchestration.jobs import daily_refresh_job, transport_refresh_job
from orchestration.settings import Settings


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def dropzone_requests(context: dg.SensorEvaluationContext, platform: PlatformConfig):
    folder = platform.dropzone
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    if not folder.exists():
        return dg.SkipReason(f"no drop folder at {folder}")
    requests = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in DROP_SUFFIXES:
            continue
        digest = _digest(path)
        if seen.get(path.name) == digest:
            continue
        seen[path.name] = digest
        day = drop_file_seen_date(path)
        requests.append(
            dg.RunRequest(
                run_key=f"drop-{path.name}-{digest}",
                partition_key=day,
                tags={"trigger": "file_drop", "file": path.name},
            )
        )
    if not requests:
        return dg.SensorResult(skip_reason="no new files", cursor=json.dumps(seen))
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(seen))


@dg.run_failure_sensor(
    name="run_failure_alert_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
    minimum_interval_seconds=30,
    description="Writes an alert record for every failed run (DAGSTER_HOME/alerts.jsonl and "
    "ops.alerts) and posts it to ESCALATOR_ALERT_WEBHOOK when set.",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext, platform: PlatformConfig):
    event = context.failure_event
    message = event.message or "run failed"
    record = record_alert(
        Path(platform.dagster_home),
        Path(platform.warehouse_path),
        context.dagster_run.run_id,
        context.dagster_run.job_name,
        message,
        webhook_url(),
    )
    context.log.info(f"alert recorded for run {context.dagster_run.run_id}: webhook {record['webhook_status']}")


@dg.sensor(
    name="gtfs_feed_version_sensor",
    job=transport_refresh_job,
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Hourly conditional HEAD request to each live BODS GTFS feed; a new ETag or "
    "Last-Modified starts the transport refresh (feeds, travel times, reach, publication).",
)
def gtfs_feed_version_sensor(context: dg.SensorEvaluationContext, bods_source: FeedSource):
    from assets.transport.connectors.bods import EAST_MIDLANDS_GTFS

    source = bods_source
    if not source.live:
        return dg.SkipReason("BODS is not live: the embedded stand-in network does not change")
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    session = source.session()
    requests_, changed = [], []
    for feed in source.options.get("feeds") or [{"name": "east_midlands", "url": EAST_MIDLANDS_GTFS}]:
        resp = session.head(feed["url"], timeout=60, allow_redirects=True)
        if resp.status_code >= 400:
            context.log.warning(f"BODS {feed['name']}: HEAD returned HTTP {resp.status_code}")
            continue
        marker = resp.headers.get("ETag") or resp.headers.get("Last-Modified") or ""
        if marker and seen.get(feed["name"]) != marker:
            seen[feed["name"]] = marker
            changed.append(feed["name"])
    if changed:
        key = "-".join(f"{n}:{seen[n]}" for n in changed)
        requests_.append(
            dg.RunRequest(
                run_key=f"gtfs-{hashlib.sha256(key.encode()).hexdigest()[:16]}",
                tags={"trigger": "gtfs_feed_version", "feeds": ",".join(changed)},
            )
        )
    return dg.SensorResult(
        run_requests=requests_, cursor=json.dumps(seen), skip_reason=None if requests_ else "no feed changed"
    )


# Dagster marks freshness checks superseded by the new FreshnessPolicy, but in 1.13 that is a preview (off
# unless dagster.yaml enables it) evaluated per asset, not per partition, so the daily-partitioned
# raw/job_ads would look fresh after a backfill of an old day. The checks stay; the warning is silenced.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning if hasattr(dg, "SupersessionWarning") else Warning)
    freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=FRESHNESS_CHECKS, default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=600
    )


def dropzone_sensor(poll_seconds: int = 60) -> dg.SensorDefinition:
    """The job-ad drop-folder sensor, polling every `poll_seconds` (settings: dropzone_poll_seconds)."""

    @dg.sensor(
        name="jobads_dropzone_sensor",
        job=daily_refresh_job,
        minimum_interval_seconds=poll_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts the refresh for a job-ad file's day when a new or changed CSV/JSON/JSONL file "
        "appears in the drop folder; each file version is loaded once.",
    )
    def jobads_dropzone_sensor(context: dg.SensorEvaluationContext, platform: PlatformConfig):
        return dropzone_requests(context, platform)

    return jobads_dropzone_sensor


def build_sensors(settings: Settings) -> list[dg.SensorDefinition]:
    return [
        dropzone_sensor(settings.dropzone_poll_seconds),
        run_failure_alert_sensor,
        gtfs_feed_version_sensor,
        freshness_sensor,
    ]
