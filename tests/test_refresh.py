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


def test_the_refresh_leaves_its_warehouses_dbt_parse_state_for_the_next_invocation(refreshed):
    """Every dbt invocation of a refresh passes the warehouse in --vars, so the project's own parse state never
    matches; the state a successful invocation leaves is kept for its warehouse."""
    import os

    from assets.transform.dbt import _parse_state

    assert refreshed.dbt_steps >= 2
    assert _parse_state(os.environ["ESCALATOR_WAREHOUSE"]).stat().st_size > 0


def test_a_parse_state_goes_to_the_next_invocation_on_its_warehouse_only(tmp_path, monkeypatch):
    import os
    import shutil
    import time

    from assets.transform import dbt

    monkeypatch.setattr(dbt, "PARSE_STATES", tmp_path / "states")
    done = tmp_path / "done"
    done.mkdir()
    (done / "partial_parse.msgpack").write_bytes(b"state of a")
    stale = tmp_path / "states" / "0123456789abcdef.msgpack"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    os.utime(stale, (time.time() - 4 * 86400,) * 2)
    dbt.keep_parse_state(done, "/w/a.duckdb")
    assert not stale.exists()  # unused for more than PARSE_STATE_DAYS
    folders = [dbt.invocation_folder(db, "test") for db in ("/w/a.duckdb", "/w/b.duckdb")]
    try:
        assert (folders[0] / "partial_parse.msgpack").read_bytes() == b"state of a"
        assert not (folders[1] / "partial_parse.msgpack").exists()
    finally:
        for f in folders:
            shutil.rmtree(f)
