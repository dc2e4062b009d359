"""The Dagster code location: each domain's assets (assets/<domain>/defs.py), the great-expectations gate,
freshness checks, jobs, schedules, sensors and the resources built from the settings file."""

import warnings

import dagster as dg

from assets.escalator import defs as escalator
from assets.jobads import defs as jobads
from assets.labour_market import defs as labour_market
from assets.publication import defs as publication
from assets.reference import defs as reference
from assets.transform import defs as transform
from assets.transport import defs as transport
from expectations.checks import ALL_CHECKS
from orchestration.freshness import FRESHNESS_CHECKS
from orchestration.jobs import (
    ALL_JOBS,
    daily_refresh_job,
    on_celery,
    transport_refresh_job,
)
from orchestration.jobs import (
    travel_time_matrix_job as matrix_job,  # the name below is the reconstructable function
)
from orchestration.resources import build_resources
from orchestration.schedules import ALL_SCHEDULES
from orchestration.sensors import build_sensors
from orchestration.settings import Settings, load_settings
from reports import defs as reports

# modules, not their Definitions: Dagster allows one Definitions object at this module's scope
DOMAINS = [reference, labour_market, jobads, transport, escalator, transform, publication, reports]


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or load_settings()
    celery = {job.name: on_celery(job, settings) for job in (daily_refresh_job, transport_refresh_job)}
    schedules, sensors = ALL_SCHEDULES, build_sensors(settings)
    if settings.refresh_executor == "celery":  # the schedules and sensors launch the refreshes on the cluster too
        schedules, sensors = on_cluster(schedules, celery), on_cluster(sensors, celery)
    return dg.Definitions.merge(
        *(d.defs for d in DOMAINS),
        dg.Definitions(
            asset_checks=[*ALL_CHECKS, *FRESHNESS_CHECKS],
            jobs=[
                *ALL_JOBS,
                on_celery(
                    matrix_job,
                    settings,
                    "Recompute derived.travel_times with each step a Celery task on the configured broker.",
                ),
                *celery.values(),
            ],
            schedules=schedules,
            sensors=sensors,
            resources=build_resources(settings),
            # runs of the implicit asset job (the freshness sensor's checks, a materialisation started from
            # the UI) in one process: Dagster's default, multiprocess, starts a process per step (~5-10 s
            # each to import the code) for checks of under a second, and DuckDB takes one writer anyway
            executor=dg.in_process_executor,
        ),
    )


def on_cluster(automations: list, celery: dict[str, dg.JobDefinition]) -> list:
    """Schedules and sensors that start an in-process refresh, pointed at its Celery twin instead."""
    out = []
    for a in automations:
        try:
            job = a.job_name
        except dg.DagsterInvalidDefinitionError:  # a sensor that starts no job (failure alerts, freshness)
            job = None
        with warnings.catch_warnings():  # with_updated_job passes sensors' beta `owners` along
            warnings.simplefilter("ignore", dg.BetaWarning)
            out.append(a.with_updated_job(celery[job]) if job in celery else a)
    return out


defs = build_defs()


def travel_time_matrix_job() -> dg.JobDefinition:
    """For dg.reconstructable: multiprocess runs rebuild the job in each step's process from here."""
    return defs.resolve_job_def("travel_time_matrix")


def travel_time_matrix_celery() -> dg.JobDefinition:
    """For dg.reconstructable: each Celery worker rebuilds the job from here (with its own settings)."""
    return defs.resolve_job_def("travel_time_matrix_celery")


def daily_refresh_celery() -> dg.JobDefinition:
    return defs.resolve_job_def("daily_refresh_celery")


def transport_refresh_celery() -> dg.JobDefinition:
    return defs.resolve_job_def("transport_refresh_celery")
