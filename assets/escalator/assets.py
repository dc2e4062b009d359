"""Python assets behind the escalator, where SQL is the wrong tool: occupation text similarity."""

import dagster as dg
import pandas as pd
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


@dg.asset(
    key=["derived", "ncs_named_moves"],
    group_name="escalator",
    deps=[
        dg.AssetKey(["raw", t])
        for t in ("ncs_career_paths", "ncs_entry_routes", "soc2020_coding_index", "soc2020_unit_groups")
    ]
    + [dg.AssetKey(["derived", "ncs_profile_soc2020"])],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="Moves careers advisers name, coded to SOC 2020 with the project's title coder: every job a "
    "National Careers Service career-path text names (evidence 'career path', the ranker's labels; `kept` "
    "says whether the code was sure enough) and every job an entry route says people start from "
    "(evidence 'entry route', a feature).",
    metadata={"source": "NCS job profiles, Nov 2020 (career path and progression; entry routes); ONS coding index"},
)
def derived_ncs_named_moves(warehouse: DuckDBResource) -> dg.MaterializeResult:
    from assets.escalator.career_paths import extract_moves, route_moves
    from assets.escalator.structure import leads, oversight
    from assets.jobads.assets import build_coder

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        groups = _unit_groups(conn)
        mapping = conn.execute("select url_name, soc2020 from derived.ncs_profile_soc2020").df()
        profile_soc = dict(zip(mapping.url_name, mapping.soc2020))
        paths = conn.execute("select url_name, title, career_path from raw.ncs_career_paths order by url_name").df()
        routes = conn.execute(
            "select url_name, route_text from raw.ncs_entry_routes order by url_name, route_type"
        ).df()
        coder = build_coder(conn)
        career = extract_moves(paths, profile_soc, coder, leads(groups, oversight(groups, _coding_index(conn))))
        career["evidence"] = "career path"
        entry = route_moves(routes, profile_soc, coder).assign(evidence="entry route", kept=True)
        frame = pd.concat([career, entry], ignore_index=True)
        rows = replace_table(conn, "derived.ncs_named_moves", stamp(frame))
    kept = career[career.kept]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "career_path_profiles": len(paths),
            "phrases_read": len(career),
            "moves_kept": len(kept),
            "distinct_moves": int(kept[["origin_soc2020", "destination_soc2020"]].drop_duplicates().shape[0]),
            "origins_with_a_move": int(kept.origin_soc2020.nunique()),
            "entry_route_moves": len(entry),
        }
    )


@dg.asset(
    key=["derived", "us_occupation_moves"],
    group_name="escalator",
    deps=[
        dg.AssetKey(["raw", t])
        for t in (
            "us_occupation_transitions",
            "us_bls_occupations",
            "soc2020_onet_crosswalk",
            "onet_soc2010_soc2019",
            "soc2020_unit_groups",
        )
    ],
    kinds={"duckdb", "python"},
    pool="duckdb",
    description="Observed year-on-year moves (US CPS ASEC) carried to every ordered pair of SOC 2020 unit "
    "groups through the O*NET crosswalk, its many-to-many weights kept: us_share (share of the origin's "
    "workers in the destination a year later) and us_lift (over the destination's share of all moves).",
    metadata={"source": "del Rio-Chanona et al. 2021 (CC BY 4.0); O*NET crosswalks (CC BY 4.0)"},
)
def derived_us_occupation_moves(warehouse: DuckDBResource) -> dg.MaterializeResult:
    from assets.escalator.mobility import uk_to_us_weights, uk_transition_shares

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        transitions = conn.execute(
            "select OCC_source, OCC_target, transition_prob_BLS_ASECnorm_corr from raw.us_occupation_transitions"
        ).df()
        bls = set(conn.execute("select OCC_CODE from raw.us_bls_occupations").df().OCC_CODE)
        crosswalk = conn.execute("select uk_soc2020, onet_soc2019_code, weight from raw.soc2020_onet_crosswalk").df()
        taxonomy = conn.execute("select soc2010_code, soc2019_code from raw.onet_soc2010_soc2019").df()
        codes = list(_unit_groups(conn).soc2020)
        weights = uk_to_us_weights(crosswalk, taxonomy, bls)
        frame = uk_transition_shares(transitions, weights, codes)
        rows = replace_table(conn, "derived.us_occupation_moves", stamp(frame))
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "unit_groups_reached": int(weights.uk_soc2020.nunique()),
            # O*NET codes with no occupation in the CPS file: their share of the crosswalk carries no moves
            "crosswalk_weight_unreached": round(1 - float(weights.weight.sum()) / float(crosswalk.weight.sum()), 4),
            "pairs_observed": int((frame.us_share > 0).sum()),
        }
    )


@dg.asset(
    key=["derived", "escalator_step_scores"],
    group_name="escalator",
    deps=[
        dg.AssetKey(["intermediate", "int_soc_similarity"]),
        dg.AssetKey(["intermediate", "int_soc_occupations"]),
        dg.AssetKey(["intermediate", "int_soc_careers"]),
        dg.AssetKey(["derived", "ncs_named_moves"]),
        dg.AssetKey(["derived", "us_occupation_moves"]),
        dg.AssetKey(["derived", "ncs_profile_soc2020"]),
        dg.AssetKey(["raw", "ncs_job_profiles"]),
        dg.AssetKey(["raw", "soc2020_coding_index"]),
    ],
    kinds={"duckdb", "python", "scikitlearn"},
    pool="duckdb",
    description="The learned ranker's score for every ordered pair of SOC 2020 unit groups: how likely a "
    "careers adviser is to name the move, from the evidence in assets/escalator/features.py, trained on the "
    "moves NCS career paths name (grouped cross-validation by origin; metrics in this asset's metadata).",
    metadata={"source": "model trained here: scikit-learn LogisticRegression, seed in assets/escalator/ranker.py"},
)
def derived_escalator_step_scores(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    from assets.escalator import apprenticeships, ranker
    from assets.escalator.features import FEATURES, pair_features
    from assets.escalator.structure import lead_kinds, oversight

    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        groups = _unit_groups(conn)
        occupations = conn.execute("select * from intermediate.int_soc_occupations order by soc2020").df()
        similarity = conn.execute("select * from intermediate.int_soc_similarity").df()
        careers = conn.execute("select * from intermediate.int_soc_careers").df()
        named = conn.execute(
            "select distinct origin_soc2020, destination_soc2020, evidence from derived.ncs_named_moves where kept"
        ).df()
        us = conn.execute(
            "select origin_soc2020, destination_soc2020, us_share, us_lift from derived.us_occupation_moves"
        ).df()
        mapping = conn.execute("select url_name, soc2020 from derived.ncs_profile_soc2020").df()
        listed = conn.execute(
            "select url_name, title, apprenticeship_standards from raw.ncs_job_profiles order by url_name"
        ).df()
        standards, unread = apprenticeships.standards(listed, dict(zip(mapping.url_name, mapping.soc2020)))
        write_quarantine(conn, "ncs_apprenticeship_standards", unread)
        groups = groups.set_index("soc2020").loc[occupations.soc2020].reset_index()
        labels = named[named.evidence == "career path"].drop(columns="evidence")
        features = pair_features(
            occupations,
            similarity,
            careers,
            oversight(groups, _coding_index(conn)),
            lead_kinds(groups),
            named[named.evidence == "entry route"],
            us,
            apprenticeships.pair_evidence(standards),
        )
        rows = ranker.labelled(features, labels)
        trained = ranker.train(rows, labels, similarity)
        scored = ranker.with_label_evidence(features, labels, similarity, set(rows.origin_soc2020))
        scored["step_score"] = ranker.score(trained.model, scored)
        scored["main_factor"] = ranker.main_factor(trained.model, scored)
        scored["plausible"] = ranker.plausible(scored)
        chance = ranker.chance(rows)
        scored["above_chance"] = scored.step_score >= chance
        positive = set(zip(labels.origin_soc2020, labels.destination_soc2020))
        scored["named_by_ncs"] = [p in positive for p in zip(scored.origin_soc2020, scored.destination_soc2020)]
        keep = [
            "origin_soc2020",
            "destination_soc2020",
            "step_score",
            "plausible",
            "above_chance",
            "named_by_ncs",
            "main_factor",
            *FEATURES,
            *ranker.LEARNED,
            "us_share",
            "standard_route",
        ]
        n = replace_table(conn, "derived.escalator_step_scores", stamp(scored[keep]))
    m = trained.metrics
    context.log.info(f"escalator ranker, held-out origins: {m}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "training_rows": len(rows),
            "training_origins": int(rows.origin_soc2020.nunique()),
            "training_positives": int(rows.label.sum()),
            "features": ", ".join(ranker.MODEL_FEATURES),
            "model": "LogisticRegression on standardised features",
            "cv_folds": ranker.FOLDS,
            "heldout_recall_at_10": m["recall@10"],
            "heldout_precision_at_10": m["precision@10"],
            "chance_score": chance,
            "apprenticeship_standards_read": len(standards),
            "apprenticeship_standards_quarantined": len(unread),
            "coefficients": dg.MetadataValue.json(trained.coefficients),
        }
    )


def _coding_index(conn) -> pd.DataFrame:
    return conn.execute("select soc2020, job_title, qualifier, industry from raw.soc2020_coding_index").df()


def _unit_groups(conn) -> pd.DataFrame:
    return conn.execute(
        "select soc2020_unit_group as soc2020, soc2020_title, soc2020_major, description "
        "from raw.soc2020_unit_groups order by 1"
    ).df()
