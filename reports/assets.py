"""The HTML reports, written after every publication (and, by the failure hook, after a failed run)."""

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from assets.platform.resources import PlatformConfig
from assets.publication.publish import PUBLISHED_MARTS
from assets.transform.dbt import write_dbt_docs
from reports.build import build_reports


@dg.asset(
    key=["reports", "html"],
    group_name="reports",
    deps=[dg.AssetKey(["published", m]) for m in PUBLISHED_MARTS],
    kinds={"plotly", "html"},
    pool="duckdb",
    description="Indicator tracker, escalator explorer, reach map and data-quality pages (offline HTML, "
    "plotly.js beside them) from the published tables, and the static dbt docs.",
)
def html_reports(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, platform: PlatformConfig, dbt: DbtCliResource
) -> dg.MaterializeResult:
    write_dbt_docs(dbt, warehouse, platform, context.log)  # before the index, which links to it
    with warehouse.get_connection() as conn:
        pages = build_reports(conn, platform.reports, platform.contact_email)
    for p in pages:
        context.log.info(f"wrote {p}")
    return dg.MaterializeResult(
        metadata={
            "pages": dg.MetadataValue.md("\n".join(f"- {p.name}" for p in pages)),
            "index": dg.MetadataValue.path(str(platform.reports / "index.html")),
        }
    )
