"""Sensors: the job-ad file drop (each file loaded once), run failures (alert record + optional webhook)."""

import hashlib
import json

import dagster as dg

from assets.jobads.sources import DROP_SUFFIXES, drop_file_seen_date
from orchestration.jobs import daily_refresh_job
from orchestration.settings import load_settings


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dg.sensor(name="jobads_dropzone_sensor", job=daily_refresh_job, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts the refresh for a job-ad file's day when a new or changed CSV/JSON/JSONL file "
                       "appears in the drop folder; each file version is loaded once.")
def jobads_dropzone_sensor(context: dg.SensorEvaluationContext):
    folder = load_settings().dropzone_dir
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
        requests.append(dg.RunRequest(run_key=f"drop-{path.name}-{digest}", partition_key=day,
                                      tags={"trigger": "file_drop", "file": path.name}))
    if not requests:
        return dg.SensorResult(skip_reason="no new files", cursor=json.dumps(seen))
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(seen))


ALL_SENSORS = [jobads_dropzone_sensor]
