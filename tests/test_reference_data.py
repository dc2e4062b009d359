"""The loaders on the real embedded files: counts, keys and known values from the ONS publications."""

import shutil

import pandas as pd
import pytest

from assets.labour_market.ons import ONS_INDICATORS_SPEC
from assets.labour_market.ons_metadata import read_metadata_folder
from assets.platform.csv_loader import DataFileError, load_csv
from assets.reference.assets import REFERENCE_TABLES
from assets.reference.boundaries import read_boundaries
from orchestration.settings import EMBEDDED_DIR

SPECS = {s.name: s for s in (*REFERENCE_TABLES, ONS_INDICATORS_SPEC)}
EXPECTED_ROWS = {  # from ../shared/data/SOURCES.md
    "soc2020_unit_groups": 412,
    "soc2020_hierarchy": 551,
    "soc2020_coding_index": 32195,
    "lsoa21_lookup": 1335,
    "lad_lookup": 35,
    "ons_local_indicators": 9662,
    "onet_related_occupations": 18460,
    "soc2020_onet_crosswalk": 7472,
    "onet_job_zones": 923,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
def test_row_counts(name):
    res = load_csv(EMBEDDED_DIR / SPECS[name].path, SPECS[name])
    assert len(res.frame) == EXPECTED_ROWS[name]
    assert res.quarantined == []
    assert not res.frame.duplicated(list(SPECS[name].key)).any()


def test_every_spec_loads_and_only_ashe_not_classified_is_quarantined():
    for spec in SPECS.values():
        res = load_csv(EMBEDDED_DIR / spec.path, spec)
        assert len(res.frame) > 0, spec.name
        if spec.name == "ashe_table14":
            # ONS's "Not Classified" line has no SOC code and no values: quarantined with a reason.
            assert {q.record["description"] for q in res.quarantined} == {"Not Classified"}
            assert len(res.quarantined) == 4
        else:
            assert res.quarantined == [], spec.name


def test_known_values():
    ug = load_csv(EMBEDDED_DIR / SPECS["soc2020_unit_groups"].path, SPECS["soc2020_unit_groups"]).frame
    row = ug.set_index("soc2020_unit_group").loc["6135"]
    assert row.soc2020_title == "Care workers and home carers"
    assert row.soc2020_major == "6"
    lad = load_csv(EMBEDDED_DIR / SPECS["lad_lookup"].path, SPECS["lad_lookup"]).frame
    assert int(lad.in_emcca.sum()) == 17
    ons = load_csv(EMBEDDED_DIR / SPECS["ons_local_indicators"].path, SPECS["ons_local_indicators"]).frame
    emp = ons[(ons.areacd == "E47000013") & (ons.indicator == "Employment rate") & (ons.period == "2023-01-01/P1Y")]
    assert emp.observation.tolist() == [74.6]
    ashe = load_csv(EMBEDDED_DIR / SPECS["ashe_table14"].path, SPECS["ashe_table14"]).frame
    allemp = ashe[
        (ashe.soc2020_code == "ALL") & (ashe.measure == "annual_gross_pay_gbp") & (ashe.workforce == "full_time")
    ]
    assert allemp["median"].tolist() == [34963.0]


def test_boundaries_and_metadata():
    b = read_boundaries(EMBEDDED_DIR / "geography/emcca_lsoa21_boundaries.geojson")
    assert len(b) == 1335 and b.lsoa21cd.is_unique
    m = read_metadata_folder(EMBEDDED_DIR / "ons/metadata")
    assert set(m.dataset) >= {"employment-rate", "claimant-count", "gross-disposable-household-income-per-head"}
    emp = m[(m.dataset == "employment-rate") & (m.indicator == "Employment rate")]
    assert str(emp.source_date.iloc[0]) == "2024-04-16"


def test_malformed_copy_of_a_real_file_fails_loudly(tmp_path):
    spec = SPECS["soc2020_unit_groups"]
    df = pd.read_csv(EMBEDDED_DIR / spec.path, dtype=str, keep_default_na=False)
    df.drop(columns=["soc2020_title"]).to_csv(tmp_path / "ug.csv", index=False)
    with pytest.raises(DataFileError, match="missing column.*soc2020_title"):
        load_csv(tmp_path / "ug.csv", spec)
    shutil.copyfile(EMBEDDED_DIR / spec.path, tmp_path / "ug2.csv")
    (tmp_path / "ug2.csv").write_text((tmp_path / "ug2.csv").read_text().replace("6135,", "61x5,", 1))
    res = load_csv(tmp_path / "ug2.csv", spec)
    assert len(res.frame) == 412  # varchar key: the odd code is kept, not silently changed
