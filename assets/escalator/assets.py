"""Python assets behind the escalator, where SQL is the wrong tool: occupation text similarity."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.escalator.text import text_similarity
from assets.platform.resources import PlatformConfig
from assets.platform.warehouse import QuarantineRow, ensure_schemas, replace_table, stamp, write_quarantine


@dg.asset(
    key=["derived", "soc2020_text_similarity"],
    group_name="escalator",
    deps=[dg.AssetKey(["raw", "soc2020_unit_groups"])],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="Cosine similarity of every ordered pair of SOC 2020 unit groups' ONS description and "
    "tasks (all-MiniLM-L6-v2 sentence embeddings; TF-IDF fallback). One of the escalator's "
    "similarity facets.",
    metadata={"source": "ONS SOC 2020 Volume 1 (OGL v3.0); model sentence-transformers/all-MiniLM-L6-v2 (Apache 2.0)"},
)
def derived_soc2020_text_similarity(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, platform: PlatformConfig
) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        groups = conn.execute(
            "select soc2020_unit_group as soc2020, soc2020_title, description, tasks "
            "from raw.soc2020_unit_groups order by 1"
        ).df()
        frame, engine = text_similarity(groups, platform.text_engine, platform.embedded)
        frame["engine"] = engine
        rows = replace_table(conn, "derived.soc2020_text_similarity", stamp(frame))
    if engine != platform.text_engine:
        context.log.warning(f"text engine {platform.text_engine!r} unavailable: used {engine}")
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "engine": engine, "unit_groups": len(groups)})


@dg.asset(
    key=["derived", "ncs_profile_soc2020"],
    group_name="escalator",
    deps=[
        dg.AssetKey(["raw", t])
        for t in ("ncs_job_profiles", "soc2010_soc2020_proportions", "soc2020_coding_index", "soc2020_unit_groups")
    ],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="The SOC 2020 unit group each National Careers Service profile describes: the ONS SOC 2010 "
    "-> 2020 split of the profile's SOC 2010 code, settled by coding the profile's title.",
    metadata={"source": "NCS job profiles (Nov 2020); ONS SOC 2010 -> 2020 proportions; ONS coding index"},
)
def derived_ncs_profile_soc2020(warehouse: DuckDBResource) -> dg.MaterializeResult:
    from assets.escalator.careers import map_profiles
    from assets.jobads.assets import build_coder

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        profiles = conn.execute("select url_name, title, soc2010 from raw.ncs_job_profiles").df()
        proportions = conn.execute("select * from raw.soc2010_soc2020_proportions").df()
        mapping = map_profiles(profiles, proportions, build_coder(conn))
        rows = replace_table(conn, "derived.ncs_profile_soc2020", stamp(mapping))
        # a profile no SOC 2020 group can be given reaches no escalator step: say which and why
        unmapped = [
            QuarantineRow(
                f"url_name={r.url_name}",
                "soc2010",
                f"no SOC 2020 unit group: SOC 2010 {r.soc2010 or '(blank)'} is not in the ONS "
                f"2010 -> 2020 split and the title {r.title!r} could not be coded with confidence",
                {"url_name": r.url_name, "title": r.title, "soc2010": r.soc2010},
            )
            for r in mapping[mapping.soc2020.isna()].itertuples()
        ]
        write_quarantine(conn, "ncs_profile_soc2020", unmapped)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "unit_groups": int(mapping.soc2020.nunique()),
            "quarantined": len(unmapped),
        }
    )


@dg.asset(
    key=["derived", "soc2020_ncs_similarity"],
    group_name="escalator",
    deps=[dg.AssetKey(["derived", "ncs_profile_soc2020"]), dg.AssetKey(["raw", "ncs_tasks"])],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="Cosine similarity (TF-IDF) of every ordered pair of SOC 2020 unit groups' National Careers "
    "Service descriptions, day-to-day tasks and working environments: the escalator's UK-native "
    "similarity facet.",
    metadata={"source": "NCS job profiles (Nov 2020), Crown copyright, OGL v3.0 presumed"},
)
def derived_soc2020_ncs_similarity(warehouse: DuckDBResource) -> dg.MaterializeResult:
    from assets.escalator.careers import task_similarity

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        mapping = conn.execute("select url_name, soc2020 from derived.ncs_profile_soc2020").df()
        profiles = conn.execute("select url_name, description from raw.ncs_job_profiles").df()
        tasks = conn.execute("select url_name, kind, text from raw.ncs_tasks").df()
        frame = task_similarity(mapping, profiles, tasks)
        rows = replace_table(conn, "derived.soc2020_ncs_similarity", stamp(frame))
    return dg.MaterializeResult(
        metadata={"dagster/row_count": rows, "unit_groups": int(frame.origin_soc2020.nunique())}
    )
