"""Row counts and order-independent checksums of every published table, to prove a refactor changed no
answer: run once before and once after, then compare.

    python scripts/published_fingerprint.py > before.json      # ... change the code, `make run` ...
    python scripts/published_fingerprint.py --compare before.json

Reads the `published` schema of the warehouse read-only (assets/publication/fingerprint.py says how).
"""

import argparse
import json
import sys
from pathlib import Path

import duckdb

from assets.publication.fingerprint import fingerprint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/escalator.duckdb"))
    parser.add_argument("--compare", type=Path, help="a fingerprint written earlier")
    parser.add_argument("--by-column", action="store_true", help="also a checksum per column (to find what differs)")
    args = parser.parse_args(argv)
    with duckdb.connect(str(args.warehouse), read_only=True) as conn:
        now = fingerprint(conn, args.by_column)
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
