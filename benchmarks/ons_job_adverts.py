"""Reading the ONS labour-demand workbook: our calamine reader vs openpyxl (the usual reader, read-only
streaming mode) on a workbook of the real edition's size and layout.

The January 2017 to July 2026 edition has, in Table 5, 133,853 local-authority x SOC rows (plus London and
uncoded rows) with 38 quarterly columns, and in Table 3 about 5,000 region x SOC rows with 115 monthly
columns. The benchmark writes a workbook of that shape once (test counts, about a third of cells "[x]";
not ONS figures) to .bench/, then times:
  - ours: `parse_workbook` for the 17 EMCCA LAs and the East Midlands (find header, filter, tidy, type)
  - openpyxl: iterating every row of Table 5 and Table 3 in read-only mode (reading alone, no tidying)
and prints seconds, cells/s and peak RSS of each (each in a fresh process, so peaks do not mix)."""

import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / ".bench" / "ons_labour_demand_full_size.xlsx"
N_QUARTERS, N_MONTHS = 38, 115
EMCCA = ["E06000015", "E06000018", *[f"E070000{n}" for n in range(32, 40)], *[f"E07000{n}" for n in range(170, 177)]]


def _write_workbook(path: Path) -> None:
    from openpyxl import Workbook

    rnd = random.Random(7)
    quarters = [f"{2017 + q // 4}Q{q % 4 + 1}" for q in range(N_QUARTERS)]
    months = [time.strftime("%b-%y", (2017 + m // 12, m % 12 + 1, 1, 0, 0, 0, 0, 1, 0)) for m in range(N_MONTHS)]
    socs = [f"{1000 + 21 * i}"[:4] for i in range(412)] + ["Unknown"]
    wb = Workbook(write_only=True)
    for title, header, rows in (
        (
            "Table 3",
            ["Region", "SOC 4 digit code", "SOC 4 digit label", *months],
            (
                [region, soc, "label", *[rnd.choice(("[x]", rnd.randint(0, 900))) for _ in months]]
                for region in [
                    "North East",
                    "North West",
                    "Yorkshire and The Humber",
                    "East Midlands",
                    "West Midlands",
                    "East",
                    "London",
                    "South East",
                    "South West",
                    "Wales",
                    "Scotland",
                    "Northern Ireland",
                ]
                for soc in socs
            ),
        ),
        (
            "Table 5",
            [
                "Region",
                "ITL2",
                "Local Authority District",
                "SOC 4 digit code",
                "SOC 4 digit label",
                "Local Authority Code",
                *quarters,
            ],
            (
                [
                    "East Midlands" if i < 40 else "Elsewhere",
                    "ITL2",
                    f"LA {i}",
                    soc,
                    "label",
                    EMCCA[i] if i < len(EMCCA) else f"E0800{i:04d}",
                    *[rnd.choice(("[x]", rnd.randint(0, 400), rnd.randint(0, 40))) for _ in quarters],
                ]
                for i in range(325)
                for soc in socs[:412]
            ),
        ),
    ):
        ws = wb.create_sheet(title)
        for line in (title, "notes", "source", "[x] = suppressed"):
            ws.append([line])
        ws.append(header)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _ours() -> dict:
    from assets.jobads.connectors.ons_job_adverts import parse_workbook

    quarantined: list = []
    t0 = time.perf_counter()
    frame = parse_workbook(WORKBOOK.read_bytes(), set(EMCCA), {"East Midlands"}, "bench", quarantined)
    return {"seconds": time.perf_counter() - t0, "rows_out": len(frame), "quarantined": len(quarantined)}


def _openpyxl() -> dict:
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    wb = load_workbook(WORKBOOK, read_only=True, data_only=True)
    cells = 0
    for name in ("Table 5", "Table 3"):
        for row in wb[name].iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return {"seconds": time.perf_counter() - t0, "cells": cells}


def _child(which: str) -> None:
    import resource

    out = {"ours": _ours, "openpyxl": _openpyxl}[which]()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    if not WORKBOOK.exists():
        t0 = time.perf_counter()
        _write_workbook(WORKBOOK)
        print(f"wrote {WORKBOOK.relative_to(ROOT)} in {time.perf_counter() - t0:.0f} s")
    size_mb = WORKBOOK.stat().st_size / 1e6
    cells = 325 * 412 * (6 + N_QUARTERS) + 12 * 413 * (3 + N_MONTHS)
    print(
        f"Workbook {size_mb:.1f} MB: Table 5 {325 * 412:,} rows x {6 + N_QUARTERS} columns, "
        f"Table 3 {12 * 413:,} rows x {3 + N_MONTHS} columns ({cells / 1e6:.1f} M cells)"
    )
    results = {}
    for which in ("ours", "openpyxl"):
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.ons_job_adverts", which],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results[which] = json.loads(proc.stdout.strip().splitlines()[-1])
    ours, peer = results["ours"], results["openpyxl"]
    print(f"{'reader':<44}{'seconds':>9}{'M cells/s':>11}{'peak RSS MB':>13}")
    print(
        f"{'ours: calamine, filter + tidy (17 LAs + region)':<44}{ours['seconds']:>9.1f}"
        f"{cells / ours['seconds'] / 1e6:>11.2f}{ours['peak_rss_mb']:>13.0f}"
    )
    print(
        f"{'openpyxl read-only: iterate rows only':<44}{peer['seconds']:>9.1f}"
        f"{cells / peer['seconds'] / 1e6:>11.2f}{peer['peak_rss_mb']:>13.0f}"
    )
    print(
        f"ours produced {ours['rows_out']:,} tidy rows ({ours['quarantined']} quarantined); "
        f"speed-up over openpyxl reading alone: {peer['seconds'] / ours['seconds']:.1f}x"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        _child(sys.argv[1])
    else:
        main()
