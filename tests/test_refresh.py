"""The whole daily refresh on the embedded data, into a temporary warehouse."""


def test_successful_dbt_invocations_leave_no_target_folder(refreshed):
    """Each dbt build writes a ~6 MB folder under dbt_project/target; the refresh's own are removed (a daily
    refresh would otherwise keep four a day)."""
    from assets.transform.project import DBT_PROJECT_DIR

    run = refreshed.run_id[:7]
    assert refreshed.dbt_steps >= 2
    assert sorted(p.name for p in (DBT_PROJECT_DIR / "target").glob(f"dbt_models*-{run}-*")) == []


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
