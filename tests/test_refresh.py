"""The whole daily refresh on the embedded data, into a temporary warehouse."""


def test_refresh_succeeds(refreshed):
    assert refreshed.success


def test_warehouse_has_schemas_and_reference_tables(warehouse):
    schemas = {r[0] for r in warehouse.execute("select schema_name from information_schema.schemata").fetchall()}
    assert {"raw", "staging", "marts", "published"} <= schemas
    n = warehouse.execute("select count(*) from staging.stg_soc__unit_groups").fetchone()[0]
    assert n == 412
    title = warehouse.execute(
        "select soc2020_title from staging.stg_soc__unit_groups where soc2020 = '6135'"
    ).fetchone()[0]
    assert title == "Care workers and home carers"


def test_quarantine_keeps_the_ashe_not_classified_rows_with_reason(warehouse):
    rows = warehouse.execute(
        "select source, field, reason from raw.quarantine where source = 'ashe_table14'"
    ).fetchall()
    assert len(rows) == 4
    assert all(r[1] == "soc2020_code" and r[2] == "required value is empty" for r in rows)
