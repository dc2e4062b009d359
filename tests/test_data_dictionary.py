"""The BI data dictionary: published/datapackage.json describes every published column, and the DuckDB
published schema carries the same descriptions as comments."""

import json
import os
from pathlib import Path

from assets.publication.publish import PUBLISHED_MARTS, WAREHOUSE_ONLY_COLUMNS

FRICTIONLESS_TYPES = {"string", "number", "integer", "boolean", "date", "datetime"}


def _package() -> dict:
    return json.loads((Path(os.environ["ESCALATOR_PUBLISHED_DIR"]) / "datapackage.json").read_text())


def test_datapackage_describes_every_published_column_with_a_type_and_a_licence(refreshed, warehouse):
    package = _package()
    resources = {r["path"]: r for r in package["resources"]}
    manifest = json.loads((Path(os.environ["ESCALATOR_PUBLISHED_DIR"]) / "manifest.json").read_text())
    assert set(resources) == {f["path"] for f in manifest["files"]}  # every published file, nothing else
    for mart in PUBLISHED_MARTS:
        columns = [
            c
            for (c,) in warehouse.execute(
                "select column_name from information_schema.columns where table_schema = 'published' "
                "and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
        ]
        for fmt in ("parquet", "csv"):
            res = resources[f"{mart}.{fmt}"]
            assert res["licenses"] and all(lic.get("name") and lic.get("path") for lic in res["licenses"]), mart
            assert res["sources"], mart
            fields = res["schema"]["fields"]
            assert [f["name"] for f in fields] == columns, mart  # the files' columns, in order
            undescribed = [f["name"] for f in fields if len(f["description"].strip()) < 8]
            assert not undescribed, f"{mart}: columns without a description: {undescribed}"
            assert {f["type"] for f in fields} <= FRICTIONLESS_TYPES, mart
            assert res["hash"] == "sha256:" + next(f["sha256"] for f in manifest["files"] if f["path"] == res["path"])
    assert "description" not in [f["name"] for f in resources["fct_job_ads.parquet"]["schema"]["fields"]]
    for mart, hidden in WAREHOUSE_ONLY_COLUMNS.items():  # free text stays in the warehouse
        assert not set(hidden) & {f["name"] for f in resources[f"{mart}.parquet"]["schema"]["fields"]}


def test_published_tables_carry_the_descriptions_as_duckdb_comments(refreshed, warehouse):
    missing = warehouse.execute(
        "select table_name || '.' || column_name from duckdb_columns() where schema_name = 'published' "
        "and table_name in (select unnest(?)) and coalesce(comment, '') = ''",
        [PUBLISHED_MARTS],
    ).fetchall()
    assert missing == []
    tables = warehouse.execute(
        "select count(*) from duckdb_tables() where schema_name = 'published' "
        "and table_name in (select unnest(?)) and coalesce(comment, '') <> ''",
        [PUBLISHED_MARTS],
    ).fetchone()[0]
    assert tables == len(PUBLISHED_MARTS)
