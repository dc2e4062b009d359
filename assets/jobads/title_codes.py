"""Every ONS coding-index title with the SOC 2020 code the title coder gives it on its own: the lookup the
explorer's search and BI tools use, so "care worker" finds 6135 the way `escalator code-titles` does."""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.jobads.assets import build_coder
from assets.platform.warehouse import ensure_schemas, replace_table, stamp


def code_index_titles(conn) -> pd.DataFrame:
    coder = build_coder(conn)
    titles = [
        t
        for (t,) in conn.execute(
            "select distinct lower(trim(job_title)) from raw.soc2020_coding_index order by 1"
        ).fetchall()
        if t
    ]
    rows = []
    coder.prefetch(titles)  # the model scores all 30k titles in a few batches
    for title in titles:
        coded = coder.code(title)
        if coded.soc2020:
            rows.append(
                {
                    "job_title": title,
                    "soc2020": coded.soc2020,
                    "confidence": round(coded.confidence, 3),
                    "method": coded.method,
                }
            )
    return pd.DataFrame(rows, columns=["job_title", "soc2020", "confidence", "method"])


@dg.asset(
    key=["derived", "job_title_codes"],
    group_name="jobads",
    deps=[dg.AssetKey(["raw", "soc2020_coding_index"]), dg.AssetKey(["raw", "soc2020_unit_groups"])],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="Each distinct ONS coding-index title (lower case) -> the SOC 2020 unit group the title coder "
    "gives it without context, with the coder's confidence and method (titles ONS calls too vague "
    "are left out).",
)
def derived_job_title_codes(warehouse: DuckDBResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        frame = code_index_titles(conn)
        rows = replace_table(conn, "derived.job_title_codes", stamp(frame))
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})
