"""`published/datapackage.json`: the published tables as a Frictionless Data Package, so a BI tool (or a
person) finds every table's files, columns, types, descriptions, licences and sources in one file.

Column descriptions come from the marts' dbt YAML (the same text dbt persists as DuckDB comments and
Dagster shows as column schemas); types from the published DuckDB tables."""

import re

from assets.transform.project import column_docs, model_description

OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
CC_BY = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 (O*NET data, modified)",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
ONS = {
    "title": "Office for National Statistics (ONS Explore Local Statistics, Nomis, ASHE, SOC 2020)",
    "path": "https://www.ons.gov.uk/",
}
ONET = {
    "title": "O*NET 29.0, US Department of Labor, through the ONS/BLS/O*NET crosswalks",
    "path": "https://www.onetcenter.org/database.html",
}
NCS = {"title": "National Careers Service job profiles (Nov 2020)", "path": "https://nationalcareers.service.gov.uk/"}
GEO = {
    "title": "ONS Open Geography Portal (contains OS data, Crown copyright)",
    "path": "https://geoportal.statistics.gov.uk/",
}
JOBADS = {
    "title": "Job adverts: Nottinghamshire public-sector vacancies (embedded), file drops, Adzuna when live",
    "path": "README.md#job-adverts",
}
GTFS = {
    "title": "Bus Open Data Service GTFS (DfT) when live; otherwise a SYNTHETIC stand-in network",
    "path": "https://data.bus-data.dft.gov.uk/",
}

# what each published table is built from (data/README.md has the file-level detail)
SOURCES = {
    "dim_geography": [GEO],
    "dim_indicator": [ONS],
    "dim_lsoa21": [GEO],
    "dim_occupation": [ONS, ONET],
    "dim_job_title": [ONS],
    "fct_plan_indicators": [ONS],
    "fct_employment_trajectory": [ONS],
    "fct_job_ads": [JOBADS, ONS],
    "fct_vacancies_by_occupation_area": [JOBADS, ONS],
    "fct_online_job_advert_volumes": [ONS],
    "fct_escalator_transitions": [ONS, ONET, NCS, JOBADS],
    "fct_escalator_ladders": [ONS, ONET, NCS],
    "fct_escalator_pathways_by_area": [ONS, ONET, NCS, JOBADS],
    "fct_travel_times": [GTFS, GEO],
    "fct_job_reach_by_lsoa": [GTFS, GEO, JOBADS],
    "fct_employment_centre_access": [GTFS, GEO, ONS],
    "fct_employment_centre_reach_by_la": [GTFS, GEO, ONS],
}

TYPES = [
    (r"^(VARCHAR|TEXT|STRING)", "string"),
    (r"^(DOUBLE|FLOAT|REAL|DECIMAL)", "number"),
    (r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UBIGINT|UINTEGER)", "integer"),
    (r"^BOOLEAN", "boolean"),
    (r"^DATE$", "date"),
    (r"^TIMESTAMP", "datetime"),
]


def frictionless_type(duckdb_type: str) -> str:
    for pattern, name in TYPES:
        if re.match(pattern, duckdb_type.upper()):
            return name
    return "any"


def licences_for(mart: str) -> list[dict]:
    return [OGL, CC_BY] if ONET in SOURCES.get(mart, []) else [OGL]


def resource(conn, mart: str, files: dict[str, dict], hidden: tuple[str, ...] = ()) -> list[dict]:
    docs = column_docs(mart)
    # the mart's columns less those kept in the warehouse: exactly what the published files hold
    cols = [
        (c, t)
        for c, t in conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [mart],
        ).fetchall()
        if c not in hidden
    ]
    fields = [
        {"name": c, "type": frictionless_type(t), "description": (docs.get(c) or {}).get("description", "")}
        for c, t in cols
    ]
    out = []
    for fmt, media in (("parquet", "application/vnd.apache.parquet"), ("csv", "text/csv")):
        f = files[f"{mart}.{fmt}"]
        res = {
            "name": f"{mart}-{fmt}" if fmt == "csv" else mart,
            "path": f"{mart}.{fmt}",
            "format": fmt,
            "mediatype": media,
            "title": mart,
            "description": model_description(mart).strip(),
            "hash": f"sha256:{f['sha256']}",
            "licenses": licences_for(mart),
            "sources": SOURCES.get(mart, []),
            "schema": {"fields": fields},
            "rows": f["rows"],
        }
        if fmt == "csv":
            res["encoding"] = "utf-8-sig"  # with a BOM, so Excel reads £ correctly
        out.append(res)
    return out


def datapackage(
    conn,
    marts: list[str],
    files: list[dict],
    version: str,
    published_at: str,
    hidden: dict[str, tuple[str, ...]] | None = None,
) -> dict:
    by_path = {f["path"]: f for f in files}
    return {
        "profile": "data-package",
        "name": "emcca-opportunity-escalator",
        "title": "EMCCA Opportunity Escalator: Get East Midlands Working tracker and escalator tables",
        "version": version,
        "created": published_at,
        "licenses": [OGL, CC_BY],
        "sources": [ONS, ONET, NCS, GEO, JOBADS, GTFS],
        "resources": [r for m in marts for r in resource(conn, m, by_path, (hidden or {}).get(m, ()))]
        + [bi_resource(f) for f in files if f["path"].endswith(".duckdb")],
    }


def bi_resource(f: dict) -> dict:
    """The DuckDB copy of every published table (one table per resource above, plus feed_status)."""
    return {
        "name": "escalator-published-duckdb",
        "path": f["path"],
        "format": "duckdb",
        "mediatype": "application/vnd.duckdb.file",
        "title": "All published tables as one DuckDB database",
        "description": "The tables above (and feed_status), for BI tools: open read-only; never written again.",
        "hash": f"sha256:{f['sha256']}",
        "licenses": [OGL, CC_BY],
    }
