"""Reference-data assets: the embedded real files loaded into raw.* with types and a quarantine."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.platform.csv_loader import TableSpec, load_csv
from assets.platform.resources import PlatformConfig
from assets.platform.warehouse import ensure_schemas, replace_table, stamp, write_quarantine

ONS = "ONS"
OGL = "OGL v3.0"
ONET_LICENCE = "CC BY 4.0 (O*NET 29.0, U.S. DoL/ETA; modified)"
NCS = "National Careers Service job profiles, Nov 2020 (SkillsFundingAgency/dfc-servicetaxonomy-editor@fef9c67)"
NCS_LICENCE = "Crown copyright (DfE / National Careers Service); OGL v3.0 presumed"
V = "varchar"
D = "double"
INT = "integer"
B = "boolean"

_ONET_RATINGS = {
    "onetsoc_code": V,
    "element_id": V,
    "element_name": V,
    "scale_id": V,
    "data_value": D,
    "recommend_suppress": V,
    "not_relevant": V,
}
_ASHE_NUMERIC = [
    "n_jobs_thousands",
    "median",
    "median_pct_change",
    "mean",
    "mean_pct_change",
    "p10",
    "p20",
    "p25",
    "p30",
    "p40",
    "p60",
    "p70",
    "p75",
    "p80",
    "p90",
]

REFERENCE_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "soc2020_unit_groups",
        "soc/soc2020_unit_groups.csv",
        {
            "soc2020_unit_group": V,
            "soc2020_title": V,
            "soc2020_major": V,
            "major_title": V,
            "soc2020_sub_major": V,
            "sub_major_title": V,
            "soc2020_minor": V,
            "minor_title": V,
            "description": V,
            "entry_routes": V,
            "tasks": V,
            "related_job_titles": V,
        },
        ("soc2020_unit_group",),
        "reference_soc",
        "ONS SOC 2020 unit groups with descriptions, tasks and entry routes (Volume 1).",
        "ONS SOC 2020 Volume 1, 16 Apr 2025",
        OGL,
        required=("soc2020_title",),
    ),
    TableSpec(
        "soc2020_hierarchy",
        "soc/soc2020_hierarchy.csv",
        {"soc2020_code": V, "digits": INT, "title": V},
        ("soc2020_code",),
        "reference_soc",
        "SOC 2020 major, sub-major, minor and unit groups.",
        "ONS SOC 2020 Volume 1",
        OGL,
    ),
    TableSpec(
        "soc2020_coding_index",
        "soc/soc2020_coding_index.csv",
        {
            "index_id": V,
            "soc2020": V,
            "soc2020_ext": V,
            "job_title": V,
            "job_title_index_order": V,
            "qualifier": V,
            "industry": V,
            "see": V,
            "soc2010": V,
            "isco08": V,
        },
        ("index_id",),
        "reference_soc",
        "ONS SOC 2020 coding index: 32k job titles with qualifiers and industries (Volume 2).",
        "ONS SOC 2020 Volume 2 coding index v12",
        OGL,
        required=("soc2020", "job_title"),
    ),
    TableSpec(
        "soc2010_soc2020_proportions",
        "soc/ons_soc2010_to_soc2020_proportions.csv",
        {
            "soc2010": V,
            "soc2010_title": V,
            "soc2020": V,
            "soc2020_title": V,
            "men_lfs_perc_2020": D,
            "men_census_perc_2020": D,
            "women_lfs_perc_2020": D,
            "women_census_perc_2020": D,
        },
        ("soc2010", "soc2020"),
        "reference_soc",
        "ONS dual-coding shares of each SOC 2010 unit group coded to SOC 2020 unit groups.",
        "ONS SOC 2010 to SOC 2020 proportions",
        OGL,
    ),
    TableSpec(
        "ashe_table14",
        "ashe/ashe_2023p_table14_soc2020.csv",
        {
            "year": INT,
            "release": V,
            "measure": V,
            "workforce": V,
            "soc2020_code": V,
            "description": V,
            "soc_level": INT,
            **{c: D for c in _ASHE_NUMERIC},
            "median_suppressed": B,
        },
        ("measure", "workforce", "soc2020_code"),
        "reference_pay",
        "ASHE 2023 provisional Table 14: annual and hourly gross pay by SOC 2020 (UK).",
        "ONS ASHE 2023p Table 14.5a/14.7a",
        OGL,
    ),
    TableSpec(
        "onet_skills",
        "onet/onet29_skills.csv",
        _ONET_RATINGS,
        ("onetsoc_code", "element_id", "scale_id"),
        "reference_skills",
        "O*NET 29.0 skills: importance (IM) and level (LV) of 35 skills per occupation.",
        "O*NET 29.0 Skills",
        ONET_LICENCE,
    ),
    TableSpec(
        "onet_knowledge",
        "onet/onet29_knowledge.csv",
        _ONET_RATINGS,
        ("onetsoc_code", "element_id", "scale_id"),
        "reference_skills",
        "O*NET 29.0 knowledge: importance (IM) and level (LV) of 33 domains per occupation.",
        "O*NET 29.0 Knowledge",
        ONET_LICENCE,
    ),
    TableSpec(
        "onet_job_zones",
        "onet/onet29_job_zones.csv",
        {"onetsoc_code": V, "title": V, "job_zone": INT},
        ("onetsoc_code",),
        "reference_skills",
        "O*NET job zone (1-5: preparation needed) per occupation.",
        "O*NET 29.0 Job Zones",
        ONET_LICENCE,
        required=("job_zone",),
    ),
    TableSpec(
        "onet_occupations",
        "onet/onet29_occupation_data.csv",
        {"onetsoc_code": V, "title": V},
        ("onetsoc_code",),
        "reference_skills",
        "O*NET-SOC 2019 occupations.",
        "O*NET 29.0 Occupation Data",
        ONET_LICENCE,
    ),
    TableSpec(
        "onet_related_occupations",
        "onet/onet29_related_occupations.csv",
        {"onetsoc_code": V, "related_onetsoc_code": V, "relatedness_tier": V, "related_index": INT},
        ("onetsoc_code", "related_onetsoc_code"),
        "reference_skills",
        "O*NET's own related-occupation links, with tier and rank.",
        "O*NET 29.0 Related Occupations",
        ONET_LICENCE,
    ),
    TableSpec(
        "soc2020_onet_crosswalk",
        "onet/derived_uksoc2020_to_onetsoc2019_via_isco08.csv",
        {"uk_soc2020": V, "onet_soc2019_code": V, "onet_title": V, "weight": D},
        ("uk_soc2020", "onet_soc2019_code"),
        "reference_skills",
        "Derived UK SOC 2020 -> O*NET-SOC 2019 crosswalk via ISCO-08 (weights sum to 1 per UK code).",
        "derived: ONS coding index + BLS ISCO-08/SOC 2010 + O*NET 2010->2019",
        "derived (OGL + public domain + CC BY 4.0)",
        required=("weight",),
    ),
    TableSpec(
        "ncs_job_profiles",
        "careers/ncs_job_profiles.csv",
        {
            "title": V,
            "url_name": V,
            "description": V,
            "soc2010": V,
            "salary_starter_gbp": D,
            "salary_experienced_gbp": D,
            "salary_note": V,
            "min_hours": D,
            "max_hours": D,
            "working_pattern": V,
            "working_pattern_details": V,
            "job_categories": V,
            "apprenticeship_standards": V,
        },
        ("url_name",),
        "reference_careers",
        "National Careers Service job profiles (England, Nov 2020): title, SOC 2010, starter and experienced "
        "salary, hours, working pattern, apprenticeship standards.",
        NCS,
        NCS_LICENCE,
        required=("title",),
    ),
    TableSpec(
        "ncs_entry_routes",
        "careers/ncs_entry_routes.csv",
        {
            "url_name": V,
            "route_type": V,
            "route_text": V,
            "requirements_prefix": V,
            "entry_requirements": V,
            "apprenticeship_standards": V,
        },
        ("url_name", "route_type"),
        "reference_careers",
        "NCS entry routes per profile: apprenticeship, college, university, direct, work, volunteering, other.",
        NCS,
        NCS_LICENCE,
        required=("route_text",),
    ),
    TableSpec(
        "ncs_requirements",
        "careers/ncs_requirements.csv",
        {"url_name": V, "kind": V, "label": V, "text": V},
        ("url_name", "kind", "text"),
        "reference_careers",  # label is empty for some items
        "NCS restrictions, other requirements and registrations per profile (DBS checks, licences, cards).",
        NCS,
        NCS_LICENCE,
    ),
    TableSpec(
        "ncs_tasks",
        "careers/ncs_tasks.csv",
        {"url_name": V, "kind": V, "text": V},
        ("url_name", "kind", "text"),
        "reference_careers",
        "NCS day-to-day tasks, working environment, location and uniform per profile.",
        NCS,
        NCS_LICENCE,
        required=("text",),
    ),
    TableSpec(
        "ncs_career_paths",
        "careers/ncs_career_paths.csv",
        {"title": V, "url_name": V, "soc2010": V, "career_path": V},
        ("url_name",),
        "reference_careers",
        "NCS 'career path and progression' text per profile: where careers advisers say each job leads. "
        "Deliberately incomplete (636 of 829 profiles): the escalator ranker's labels.",
        NCS,
        NCS_LICENCE,
        required=("career_path",),
    ),
    TableSpec(
        "us_occupation_transitions",
        "mobility/us_cps_asec_occupation_transitions.csv",
        {
            "OCC_source": V,
            "OCC_target": V,
            "transition_prob_BLS_ASECnorm_corr": D,
            "OCC_TITLE_OCC": V,
            "OCC_TITLE_OCCLY": V,
        },
        ("OCC_source", "OCC_target"),
        "reference_skills",
        "US CPS ASEC year-on-year occupation transition shares (BLS OEWS codes), reweighted to BLS employment.",
        "del Rio-Chanona et al. (2021) via RMariaDelRioChanona/CanadaLaborApplication@87fc833",
        "CC BY 4.0",
        required=("transition_prob_BLS_ASECnorm_corr",),
    ),
    TableSpec(
        "us_bls_occupations",
        "mobility/us_bls_occupations.csv",
        {"OCC_CODE": V, "OCC_TITLE": V, "TOT_EMP": D, "A_MEAN": D},
        ("OCC_CODE",),
        "reference_skills",
        "The 539 US occupations of the CPS transitions, with US employment and mean wage.",
        "del Rio-Chanona et al. (2021) via RMariaDelRioChanona/CanadaLaborApplication@87fc833",
        "CC BY 4.0",
    ),
    TableSpec(
        "onet_soc2010_soc2019",
        "onet/onet_soc2010_to_soc2019_crosswalk.csv",
        {"soc2010_code": V, "soc2010_title": V, "soc2019_code": V, "soc2019_title": V},
        ("soc2010_code", "soc2019_code"),
        "reference_skills",
        "O*NET-SOC 2010 to O*NET-SOC 2019 taxonomy crosswalk (reaches the CPS file's BLS codes).",
        "O*NET 2010 to 2019 crosswalk via KarolinaBohdan/SEMESTER-PROJECT@99696ab",
        ONET_LICENCE,
    ),
    TableSpec(
        "lsoa21_lookup",
        "geography/emcca_lsoa21_lookup_centroids.csv",
        {
            "lsoa21cd": V,
            "lsoa21nm": V,
            "lad_code": V,
            "lad_name": V,
            "utla_code": V,
            "utla_name": V,
            "rgn_code": V,
            "pwc_easting": D,
            "pwc_northing": D,
            "pwc_lon": D,
            "pwc_lat": D,
            "geom_centroid_lon": D,
            "geom_centroid_lat": D,
        },
        ("lsoa21cd",),
        "reference_geography",
        "EMCCA LSOA 2021 with LAD/UTLA and population-weighted centroids.",
        "ONS LSOA 2021 lookups and population-weighted centroids",
        f"{OGL}; contains OS data",
        required=("lad_code", "pwc_lon", "pwc_lat"),
    ),
    TableSpec(
        "lad_lookup",
        "geography/east_midlands_lad_lookup.csv",
        {"ladcd": V, "ladnm": V, "utlacd": V, "utlanm": V, "rgncd": V, "rgnnm": V, "in_emcca": B, "emcca_code": V},
        ("ladcd",),
        "reference_geography",
        "East Midlands local authority districts, EMCCA membership.",
        "ONS LAD codes via drkane/geo-lookups",
        OGL,
        required=("in_emcca",),
    ),
)


def _reference_asset(spec: TableSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", spec.name],
        group_name=spec.group,
        kinds={"duckdb", "csv"},
        description=spec.description,
        metadata={
            "source": spec.source,
            "licence": spec.licence,
            "file": f"data/embedded/{spec.path}",
            "key": ", ".join(spec.key),
        },
        pool="duckdb",
    )
    def _load(
        context: dg.AssetExecutionContext, warehouse: DuckDBResource, platform: PlatformConfig
    ) -> dg.MaterializeResult:
        result = load_csv(platform.embedded / spec.path, spec)
        with warehouse.get_connection() as conn:
            ensure_schemas(conn)
            rows = replace_table(conn, f"raw.{spec.name}", stamp(result.frame))
            write_quarantine(conn, spec.name, result.quarantined, run_id=context.run.run_id)
        for q in result.quarantined[:20]:
            context.log.warning("quarantined: " + q.message(spec.path))
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "quarantined_rows": len(result.quarantined),
            }
        )

    _load.__name__ = f"raw_{spec.name}"
    return _load


reference_assets = [_reference_asset(s) for s in REFERENCE_TABLES]


@dg.asset(
    key=["raw", "lsoa21_boundaries"],
    group_name="reference_geography",
    kinds={"duckdb", "geojson"},
    description="EMCCA LSOA 2021 boundaries (generalised, CRS84) as GeoJSON text for maps.",
    metadata={
        "source": "ONS LSOA 2021 BGC via drkane/geo-lookups",
        "licence": f"{OGL}; contains OS data",
        "file": "data/embedded/geography/emcca_lsoa21_boundaries.geojson",
    },
    pool="duckdb",
)
def raw_lsoa21_boundaries(warehouse: DuckDBResource, platform: PlatformConfig) -> dg.MaterializeResult:
    from assets.reference.boundaries import read_boundaries

    frame = read_boundaries(platform.embedded / "geography/emcca_lsoa21_boundaries.geojson")
    with warehouse.get_connection() as conn:
        ensure_schemas(conn)
        rows = replace_table(conn, "raw.lsoa21_boundaries", stamp(frame))
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


__all__ = ["REFERENCE_TABLES", "reference_assets", "raw_lsoa21_boundaries"]
