"""The Dagster code location: each domain's assets (assets/<domain>/defs.py), the great-expectations gate,
freshness checks, jobs, schedules, sensors and the resources built from the settings file."""

import dagster as dg

from assets.transform.project import prepare_manifest

prepare_manifest()  # the dbt assets below are defined from the manifest: parse first if a model changed

from assets.escalator import defs as escalator  # noqa: E402
from assets.jobads import defs as jobads  # noqa: E402
from assets.labour_market import defs as labour_market  # noqa: E402
from assets.publication import defs as publication  # noqa: E402
from assets.reference import defs as reference  # noqa: E402
from assets.transform import defs as transform  # noqa: E402
from assets.transport import defs as transport  # noqa: E402
from expectations.checks import ALL_CHECKS  # noqa: E402
from orchestration.freshness import FRESHNESS_CHECKS  # noqa: E402
from orchestration.jobs import ALL_JOBS  # noqa: E402
from orchestration.resources import build_resources  # noqa: E402
from orchestration.schedules import ALL_SCHEDULES  # noqa: E402
from orchestration.sensors import ALL_SENSORS  # noqa: E402
from orchestration.settings import Settings  # noqa: E402
from reports import defs as reports  # noqa: E402

# modules, not their Definitions: Dagster allows one Definitions object at this module's scope
DOMAINS = [reference, labour_market, jobads, transport, escalator, transform, publication, reports]


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    return dg.Definitions.merge(
        *(d.defs for d in DOMAINS),
        dg.Definitions(
            asset_checks=[*ALL_CHECKS, *FRESHNESS_CHECKS],
            jobs=ALL_JOBS,
            schedules=ALL_SCHEDULES,
            sensors=ALL_SENSORS,
            resources=build_resources(settings),
        ),
    )


defs = build_defs()


def travel_time_matrix_job() -> dg.JobDefinition:
    """For dg.reconstructable: multiprocess runs rebuild the job in each step's process from here."""
    return defs.resolve_job_def("travel_time_matrix")
