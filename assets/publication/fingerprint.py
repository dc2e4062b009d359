"""What the published data is, as numbers: per table the row count, the column count and an order-free
hash of every row (DuckDB's hash of all columns, summed), optionally per column. Two publications of the
same data have the same fingerprint; any changed value changes it. Used by scripts/published_fingerprint.py
(a refactor changed no answer) and by the determinism test."""

# tables of ages and times, not data: they differ from run to run by design
NOT_DATA = ("feed_status",)


def fingerprint(conn, by_column: bool = False, exclude: tuple[str, ...] = NOT_DATA) -> dict[str, dict]:
    tables = [
        t
        for (t,) in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'published' order by table_name"
        ).fetchall()
        if t not in exclude
    ]
    out = {}
    for table in tables:
        cols = [
            c
            for (c,) in conn.execute(
                "select column_name from information_schema.columns where table_schema = 'published' "
                "and table_name = ? order by column_name",
                [table],
            ).fetchall()
        ]
        struct = ", ".join(f'"{c}" := "{c}"' for c in cols)
        rows, checksum = conn.execute(
            f"select count(*), coalesce(sum(hash(struct_pack({struct})))::varchar, '0') from published.{table}"
        ).fetchone()
        out[table] = {"rows": rows, "columns": len(cols), "checksum": checksum}
        if by_column:
            sums = conn.execute(
                "select "
                + ", ".join(f"coalesce(sum(hash(\"{c}\"))::varchar, '0')" for c in cols)
                + f" from published.{table}"
            ).fetchone()
            out[table]["by_column"] = dict(zip(cols, sums))
    return out
