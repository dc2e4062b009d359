"""Copy the subsets of ../shared/data that the embedded default needs into data/embedded/.

Run once by a maintainer (`python scripts/build_embedded_data.py [SHARED_DATA_DIR]`); its output is
committed, so neither `make run` nor `make test` needs ../shared. Only columns the platform reads
are kept; every row is kept as published (no filtering of values).
"""

import csv
import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "embedded"
FIXTURES = ROOT / "tests" / "fixtures"

ONET_RATING_COLS = {
    "O*NET-SOC Code": "onetsoc_code",
    "Element ID": "element_id",
    "Element Name": "element_name",
    "Scale ID": "scale_id",
    "Data Value": "data_value",
    "Recommend Suppress": "recommend_suppress",
    "Not Relevant": "not_relevant",
}


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _subset(src: Path, dst: Path, columns: dict[str, str] | list[str], **read_kw) -> None:
    df = pd.read_csv(src, dtype=str, keep_default_na=False, **read_kw)
    if isinstance(columns, dict):
        df = df[list(columns)].rename(columns=columns)
    else:
        df = df[columns]
    dst.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(dst, index=False, quoting=csv.QUOTE_MINIMAL)


def main(shared: Path) -> None:
    # SOC 2020 (ONS, OGL)
    _copy(shared / "soc/soc2020_unit_groups.csv", OUT / "soc/soc2020_unit_groups.csv")
    _copy(shared / "soc/soc2020_hierarchy.csv", OUT / "soc/soc2020_hierarchy.csv")
    _subset(
        shared / "soc/soc2020_coding_index.csv",
        OUT / "soc/soc2020_coding_index.csv",
        [
            "index_id",
            "soc2020",
            "soc2020_ext",
            "job_title",
            "job_title_index_order",
            "qualifier",
            "industry",
            "see",
            "soc2010",
            "isco08",
        ],
    )
    _copy(shared / "soc/ons_soc2010_to_soc2020_proportions.csv", OUT / "soc/ons_soc2010_to_soc2020_proportions.csv")
    # ASHE 2023p Table 14 (ONS, OGL)
    _copy(shared / "ashe/ashe_2023p_table14_soc2020.csv", OUT / "ashe/ashe_2023p_table14_soc2020.csv")
    # O*NET 29.0 (CC BY 4.0), columns trimmed
    onet = shared / "skills/onet"
    _subset(onet / "onet29_skills.csv", OUT / "onet/onet29_skills.csv", ONET_RATING_COLS)
    _subset(onet / "onet29_knowledge.csv", OUT / "onet/onet29_knowledge.csv", ONET_RATING_COLS)
    _subset(
        onet / "onet29_job_zones.csv",
        OUT / "onet/onet29_job_zones.csv",
        {"O*NET-SOC Code": "onetsoc_code", "Title": "title", "Job Zone": "job_zone"},
    )
    _subset(
        onet / "onet29_occupation_data.csv",
        OUT / "onet/onet29_occupation_data.csv",
        {"O*NET-SOC Code": "onetsoc_code", "Title": "title"},
    )
    _subset(
        onet / "onet29_related_occupations.csv",
        OUT / "onet/onet29_related_occupations.csv",
        {
            "O*NET-SOC Code": "onetsoc_code",
            "Related O*NET-SOC Code": "related_onetsoc_code",
            "Relatedness Tier": "relatedness_tier",
            "Index": "related_index",
        },
    )
    _copy(onet / "onet29_read_me.txt", OUT / "onet/onet29_read_me.txt")
    _copy(
        shared / "skills/crosswalks/derived_uksoc2020_to_onetsoc2019_via_isco08.csv",
        OUT / "onet/derived_uksoc2020_to_onetsoc2019_via_isco08.csv",
    )
    # Geography (ONS / OS, OGL)
    for name in [
        "emcca_lsoa21_lookup_centroids.csv",
        "emcca_lsoa21_boundaries.geojson",
        "east_midlands_lad_lookup.csv",
    ]:
        _copy(shared / "geography" / name, OUT / "geography" / name)
    # ONS Explore Local Statistics (OGL)
    _copy(shared / "ons/emcca_local_indicators_long.csv", OUT / "ons/emcca_local_indicators_long.csv")
    for meta in sorted((shared / "ons/metadata").glob("*.json")):
        _copy(meta, OUT / "ons/metadata" / meta.name)
    # Job adverts: the Nottinghamshire public-sector vacancies (facts from public job pages)
    _copy(
        shared / "jobads/nottinghamshire_public_sector_jobs_2026-08-26.csv",
        OUT / "jobads/nottinghamshire_public_sector_jobs_2026-08-26.csv",
    )
    # GTFS test feeds (BODS via ITO World, OGL) and the small OSM extract (ODbL)
    for name in ["chester-20230816-small_gtfs.zip", "newport-20230613_gtfs.zip"]:
        _copy(shared / "gtfs" / name, OUT / "gtfs" / name)
    _copy(shared / "osm/small-osm.pbf", OUT / "osm/small-osm.pbf")
    for name in (
        "ncs_job_profiles.csv",
        "ncs_entry_routes.csv",
        "ncs_requirements.csv",
        "ncs_tasks.csv",
        "ncs_career_paths.csv",
    ):
        _copy(shared / "careers" / name, OUT / "careers" / name)
    # Observed occupation moves (US CPS ASEC, del Rio-Chanona et al. 2021, CC BY 4.0) and the O*NET
    # 2010 -> 2019 taxonomy crosswalk that reaches their BLS codes
    for name in ("us_cps_asec_occupation_transitions.csv", "us_bls_occupations.csv"):
        _copy(shared / "mobility" / name, OUT / "mobility" / name)
    _copy(
        shared / "skills/crosswalks/onet_soc2010_to_soc2019_crosswalk.csv",
        OUT / "onet/onet_soc2010_to_soc2019_crosswalk.csv",
    )
    # Adzuna/Kaggle adverts: unclear licence, so a few hundred rows for tests only, never the default.
    adz = pd.read_csv(
        shared / "jobads/adzuna_job_salary_prediction_train_rev1_subset.csv", dtype=str, keep_default_na=False
    )
    em = adz[
        adz.LocationRaw.str.contains(
            "Nottingham|Derby|Mansfield|Chesterfield|Buxton|Matlock|Ilkeston|Newark|Worksop|Long Eaton", case=False
        )
    ]
    rest = adz.drop(em.index)
    rest = rest[rest.Category != "Healthcare & Nursing Jobs"].head(300 - len(em))
    FIXTURES.mkdir(parents=True, exist_ok=True)
    pd.concat([em, rest]).to_csv(FIXTURES / "adzuna_kaggle_sample.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
