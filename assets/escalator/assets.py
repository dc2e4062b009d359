"""Python assets behind the escalator, where SQL is the wrong tool: occupation text similarity."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.escalator.text import text_similarity
from assets.warehouse import ensure_schemas, replace_table, stamp
from orchestration.resources import PlatformConfig


@dg.asset(
    key=["raw", "soc2020_text_similarity"],
    group_name="escalator",
    deps=[dg.AssetKey(["raw", "soc2020_unit_groups"])],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="Cosine similarity of every ordered pair of SOC 2020 unit groups' ONS description and "
                "tasks (all-MiniLM-L6-v2 sentence embeddings; TF-IDF fallback). One of the escalator's "
                "similarity facets.",
    metadata={"source": "ONS SOC 2020 Volume 1 (OGL v3.0); model sentence-transformers/all-MiniLM-L6-v2 "
                        "(Apache 2.0)"},
)
def raw_soc2020_text_similarity(context: dg.AssetExecutionContext, warehouse: DuckDBResource,
                                platform: PlatformConfig) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        groups = conn.execute("select soc2020_unit_group as soc2020, soc2020_title, description, tasks "
                              "from raw.soc2020_unit_groups order by 1").df()
        frame, engine = text_similarity(groups, platform.text_engine, platform.embedded)
        frame["engine"] = engine
        rows = replace_table(conn, "raw.soc2020_text_similarity", stamp(frame))
    if engine != platform.text_engine:
        context.log.warning(f"text engine {platform.text_engine!r} unavailable: used {engine}")
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "engine": engine,
                                          "unit_groups": len(groups)})
