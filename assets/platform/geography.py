"""The platform's geographies for Python code, read from the one geography seed dbt also uses
(dbt_project/seeds/geographies.csv), so a code is written down once."""

import csv
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "geographies.csv"


def _read() -> list[dict[str, str]]:
    with SEED.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


GEOGRAPHIES = _read()
NAMES = {g["geography_code"]: g["geography_name"] for g in GEOGRAPHIES}


def _one(level: str) -> str:
    (code,) = [g["geography_code"] for g in GEOGRAPHIES if g["geography_level"] == level]
    return code


EMCCA_CODE = _one("combined authority")
REGION_CODE = _one("region")
ENGLAND_CODE = _one("country")
# The 17 EMCCA local authorities in the seed's order (unitaries, Derbyshire districts, Notts districts)
EMCCA_LADS = [g["geography_code"] for g in GEOGRAPHIES if g["geography_level"] == "local authority"]
# Everything the tracker reports on: the LAs, EMCCA, the region and England
TRACKER_GEOGRAPHIES = [*EMCCA_LADS, EMCCA_CODE, REGION_CODE, ENGLAND_CODE]

# EMCCA's four upper-tier (county and unitary) authorities: sources published by upper tier (DfE NEET)
# are combined to EMCCA from these (the counties' codes are not tracker geographies)
EMCCA_UPPER_TIER = {
    "E06000015": "Derby",
    "E06000018": "Nottingham",
    "E10000007": "Derbyshire",
    "E10000024": "Nottinghamshire",
}
