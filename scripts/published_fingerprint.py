"""Row counts and order-independent checksums of every published table, to prove a refactor changed no
answer: run once before and once after, then compare.

    python scripts/published_fingerprint.py > before.json      # ... change the code, `make run` ...
    python scripts/published_fingerprint.py --compare before.json

Reads the `published` schema of the warehouse read-only. The checksum is DuckDB's hash of every row
(all columns), summed, so row order does not matter but any changed value does.
"""

import argparse
import json
import sys
from pathlib import Path

import duckdb


def fingerprint(warehouse: Path, by_column: bool = False) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'published' order by table_name"
            ).fetchall()
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/escalator.duckdb"))
    parser.add_argument("--compare", type=Path, help="a fingerprint written earlier")
    parser.add_argument("--by-column", action="store_true", help="also a checksum per column (to find what differs)")
    args = parser.parse_args(argv)
    now = fingerprint(args.warehouse, args.by_column)
    if not args.compare:
        json.dump(now, sys.stdout, indent=1)
        print()
        return 0
    before = json.loads(args.compare.read_text())
    differ = 0
    for table in sorted(set(before) | set(now)):
        a, b = before.get(table), now.get(table)
        if a is None:  # a table published for the first time is new, not a changed answer
            print(f"new     {table:40} {'-':>8} -> {b['rows']:>8} rows")
            continue
        same = b is not None and all(a[k] == b[k] for k in ("rows", "columns", "checksum"))
        differ += not same
        print(f"{'same   ' if same else 'DIFFERS'} {table:40} {a['rows']:>8} -> {(b or {}).get('rows', '-'):>8} rows")
        if not same and b and "by_column" in a and "by_column" in b:
            print(
                "        columns:", ", ".join(c for c in a["by_column"] if a["by_column"][c] != b["by_column"].get(c))
            )
    print(f"{len(before)} tables compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
