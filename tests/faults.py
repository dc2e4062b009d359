"""Fault cases for job-advert file drops (and, through tests/faults_live.py, faults_gtfs.py, faults_crash.py,
faults_concurrency.py, faults_gate.py and faults_determinism.py, every live source's HTTP faults, broken
timetables, SIGKILL crashes, concurrent refreshes, the publication gate, repeated refreshes and canary
keys), run through the real asset (raw/job_ads) on a private warehouse:
each case drops one hostile file and accounts for every row (rows in = accepted + quarantined + duplicates
collapsed; nothing lost). `make faults` prints the table; tests/test_faults.py runs the same cases.

    python -m tests.faults [--big 200000]
"""

import argparse
import json
import os
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from tests.faults_crash import Site

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EMAIL_OR_PHONE = r"[\w.+-]+@[\w-]+\.[\w.]+|(?:\+44\s?7\d{3}|\b07\d{3})\s?\d{3}\s?\d{3}\b"


@dataclass
class Case:
    name: str
    filename: str
    content: bytes
    rows_in: int  # counted from the file independently of the pipeline
    expected: str  # what should happen, in words
    accepted: int
    quarantined: int
    collapsed: int = 0
    check: str = ""  # an extra property the observed result must have (see observe)


@dataclass
class Outcome:
    case: Case
    accepted: int
    quarantined: int
    collapsed: int
    seconds: float
    reasons: list[str] = field(default_factory=list)
    extra_ok: bool = True

    @property
    def lost(self) -> int:
        return self.case.rows_in - self.accepted - self.quarantined - self.collapsed

    @property
    def passed(self) -> bool:
        c = self.case
        return (self.accepted, self.quarantined, self.collapsed, self.lost) == (
            c.accepted,
            c.quarantined,
            c.collapsed,
            0,
        ) and self.extra_ok


def _adverts(n: int) -> list[dict]:
    """Real adverts (the Adzuna/Kaggle sample in the test fixtures) in a file-drop shape, ids unique."""
    sample = pd.read_csv(FIXTURES / "adzuna_kaggle_sample.csv", dtype=str, keep_default_na=False)
    rows = []
    for i in range(n):
        r = sample.iloc[i % len(sample)]
        rows.append(
            {
                "job_id": f"f{i}",
                "title": r.Title,
                "company": r.Company,
                "location": r.LocationRaw,
                "salary": r.SalaryRaw,
                "description": r.FullDescription[:200],
            }
        )
    return rows


def _csv(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def _jsonl(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode("utf-8")


def cases(big: int = 20_000) -> list[Case]:
    five = _adverts(5)
    bad_bytes = _csv(_adverts(3)) + b'f9,Care Worker,Caf\xff\xfe Ltd,Mansfield,"\xa311.50 per hour",night shifts\n'
    broken_line = [json.dumps(r) for r in five]
    broken_line.insert(2, '{"job_id": "f-broken", "title": "Chef", ')
    pii = [
        {
            **_adverts(1)[0],
            "title": "Support Worker - call 07700 900123",
            "description": "Apply to jane.doe@example.org or ring 07700 900456 today",
        }
    ]
    pay = [{**_adverts(2)[0], "salary": "£1,000,000 per hour"}, {**_adverts(2)[1], "salary": "-£20,000"}]
    dupes = _adverts(3) + [{**_adverts(1)[0]}]  # f0 twice
    future = [_adverts(2)[0], {**_adverts(2)[1], "posted": "2031-05-01"}]
    return [
        Case("empty file", "drop_2026-09-10.csv", b"", 0, "no rows, no error", 0, 0),
        Case(
            "CSV without a title column",
            "drop_2026-09-11.csv",
            _csv([{k: v for k, v in r.items() if k != "title"} for r in five]),
            5,
            "every row quarantined: no title",
            0,
            5,
        ),
        Case(
            "non-UTF-8 bytes",
            "drop_2026-09-12.csv",
            bad_bytes,
            4,
            "the bad row quarantined for its encoding",
            3,
            1,
        ),
        Case(
            "invalid JSON",
            "drop_2026-09-13.json",
            b'[{"job_id": "1", "title": "Chef"},',
            1,
            "the file quarantined with the parser's line and column",
            0,
            1,
        ),
        Case(
            "JSON object that is not an advert export",
            "drop_2026-09-20.json",
            json.dumps({"data": [{"title": "Chef"}]}).encode(),
            1,
            "the file quarantined, not read as no adverts",
            0,
            1,
        ),
        Case(
            "JSONL with one broken line",
            "drop_2026-09-14.jsonl",
            "\n".join(broken_line).encode(),
            6,
            "the broken line quarantined (line 3), the rest loaded",
            5,
            1,
        ),
        Case(
            "email and UK phone in the advert",
            "drop_2026-09-15.jsonl",
            _jsonl(pii),
            1,
            "loaded with contact details scrubbed",
            1,
            0,
            check="no_pii",
        ),
        Case(
            "salary £1,000,000 per hour and negative",
            "drop_2026-09-16.jsonl",
            _jsonl(pay),
            2,
            "the huge one flagged as an outlier, the negative one quarantined",
            1,
            1,
            check="outlier",
        ),
        Case("duplicated advert ids", "drop_2026-09-17.jsonl", _jsonl(dupes), 4, "one copy collapsed", 3, 0, 1),
        Case(
            "posting date years ahead",
            "drop_2026-09-18.jsonl",
            _jsonl(future),
            2,
            "the future-dated advert quarantined",
            1,
            1,
        ),
        Case(
            f"{big:,}-row file",
            "drop_2026-09-19.csv",
            _csv(_adverts(big)),
            big,
            "all loaded; time and peak memory reported",
            big,
            0,
        ),
    ]


class Harness:
    """A private warehouse with the reference tables the advert cleaner needs, and a drop folder."""

    def __init__(self, root: Path):
        from assets.jobads.assets import raw_job_ads
        from assets.reference.assets import reference_assets
        from orchestration.resources import build_resources
        from orchestration.settings import load_settings
        from tests.feed_resources import platform_in

        self.root, self.asset = root, raw_job_ads
        (root / "drop").mkdir(parents=True, exist_ok=True)
        needed = {"soc2020_coding_index", "soc2020_unit_groups", "lsoa21_lookup", "lad_lookup"}
        self.reference = [a for a in reference_assets if a.key.path[1] in needed]
        self.resources = {
            **build_resources(load_settings()),
            "warehouse": DuckDBResource(database=str(root / "w.duckdb")),
            "platform": platform_in(root, "drop"),
        }
        quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
        assert dg.materialize(self.reference, resources=self.resources, run_config=quiet).success

    def run(self, case: Case) -> Outcome:
        (self.root / "drop" / case.filename).write_bytes(case.content)
        day = case.filename.split("_")[1].split(".")[0]
        started = time.perf_counter()
        result = dg.materialize(
            [self.asset, *self.reference],
            resources=self.resources,
            partition_key=day,
            selection=[self.asset],
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        )
        seconds = time.perf_counter() - started
        meta = (
            next((m.metadata for m in result.asset_materializations_for_node(self.asset.op.name)), {})
            if result.success
            else {}
        )
        with duckdb.connect(str(self.root / "w.duckdb"), read_only=True) as conn:
            accepted = conn.execute("select count(*) from raw.job_ads where seen_date = ?", [day]).fetchone()[0]
            reasons = [
                f"{f}: {r}"
                for f, r in conn.execute(
                    "select field, reason from raw.quarantine where source = 'job_ads' and partition = ?", [day]
                ).fetchall()
            ]
            extra_ok = True
            if case.check == "no_pii":
                text = " ".join(
                    str(v)
                    for row in conn.execute(
                        "select title, description from raw.job_ads where seen_date = ?", [day]
                    ).fetchall()
                    for v in row
                )
                extra_ok = not pd.Series([text]).str.contains(EMAIL_OR_PHONE, regex=True).iloc[0]
            if case.check == "outlier":
                extra_ok = (
                    conn.execute("select bool_and(pay_outlier) from raw.job_ads where seen_date = ?", [day]).fetchone()[
                        0
                    ]
                    is True
                )
        collapsed = int(meta["duplicates_collapsed"].value) if "duplicates_collapsed" in meta else 0
        return Outcome(case, accepted, len(reasons), collapsed, seconds, reasons, extra_ok and result.success)


def crash_and_concurrency(root: Path) -> tuple[int, Site]:
    """A private site refreshed by `escalator refresh` - killed once during its first dbt build and rerun
    from there - then the crash cases, then two refreshes together with the UI and a BI reader."""
    import subprocess

    from tests.faults_concurrency import report as concurrency_report
    from tests.faults_crash import ESCALATOR, CrashCase, Watch, after_rerun, kill, report, report_rerun

    site = Site(root)
    (root / "home").mkdir(parents=True)
    (root / "home" / "dagster.yaml").write_text((ROOT / "orchestration" / "dagster.yaml").read_text())
    first = kill(site, CrashCase("daily refresh killed during dbt", "daily_refresh", [], Watch.dbt_building))
    started = time.perf_counter()
    full = subprocess.run([str(ESCALATOR), "refresh"], env=site.env(), capture_output=True, text=True, cwd=ROOT)
    print(
        f"first daily refresh killed during dbt after {first.killed_after or 0:.1f}s; the full rerun "
        f"{'succeeded' if full.returncode == 0 else 'FAILED'} in {time.perf_counter() - started:.0f}s"
    )
    if full.returncode != 0:
        print(full.stdout[-2000:])
        return 1, site
    failed = report(site)
    print()
    concurrency_failed, together = concurrency_report(site)
    print()
    return (
        failed
        + concurrency_failed
        + report_rerun(after_rerun(site, together.winner_code, together.winner_stdout, together.seconds))
    ), site


CANARY_PREFIX = "CANARY-faults-"


def secrets_report(root: Path) -> int:
    """Every file the refreshes above wrote (warehouses, DAGSTER_HOME run and event storage, compute and
    dbt logs, published/, reports) searched for the canary keys set in their environment."""
    files = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    leaked = [str(p.relative_to(root)) for p in files if CANARY_PREFIX.encode() in p.read_bytes()]
    header = f"{'secrets case':40} {'expected':40} {'observed':50}  result"
    print(header)
    print("-" * len(header))
    ok = bool(files) and not leaked
    print(
        f"{'canary keys in every refresh environment':40} {'written to no file':40} "
        f"{f'{len(files):,} files searched, {len(leaked)} hold a key':50}  {'pass' if ok else 'FAIL'}"
    )
    for path in leaked[:5]:
        print(f"{'':42}found in {path}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Job-advert file-drop fault cases, as a table")
    parser.add_argument("--big", type=int, default=200_000, help="rows in the large-file case")
    args = parser.parse_args(argv)
    # canary keys: every refresh below resolves them into its resources; secrets_report looks for them
    from orchestration.settings import SOURCE_SECRETS

    os.environ.update({key: f"{CANARY_PREFIX}{key}" for keys in SOURCE_SECRETS.values() for key in keys})
    with tempfile.TemporaryDirectory(prefix="escalator-faults-") as tmp:
        harness = Harness(Path(tmp))
        header = f"{'case':40} {'expected':66} {'in':>7} {'accepted':>8} {'quar.':>5} {'dup.':>4} {'lost':>4} {'time':>7}  result"
        print(header)
        print("-" * len(header))
        failed = 0
        for case in cases(args.big):
            out = harness.run(case)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            failed += not out.passed
            print(
                f"{case.name:40} {case.expected:66} {case.rows_in:>7,} {out.accepted:>8,} {out.quarantined:>5} "
                f"{out.collapsed:>4} {out.lost:>4} {out.seconds:>6.1f}s  {'pass' if out.passed else 'FAIL'}"
                + (
                    f"  (peak RSS {peak / 1024:,.0f} MB, {case.rows_in / out.seconds:,.0f} rows/s)"
                    if case.rows_in >= 1000
                    else ""
                )
            )
            for reason in out.reasons[:2]:
                print(f"{'':42}quarantined: {reason[:110]}")
        print()
        from tests.faults_live import report

        (Path(tmp) / "live").mkdir()
        failed += report(Path(tmp) / "live")
        print()
        from tests.faults_gtfs import report as gtfs_report

        failed += gtfs_report(Path(tmp) / "gtfs")
        print()
        crashed, site = crash_and_concurrency(Path(tmp) / "site")
        failed += crashed
        from tests.faults_determinism import report as repeat_report
        from tests.faults_gate import report as gate_report

        failed += gate_report(Path(tmp) / "gate", site.warehouse, site.published)
        print()
        failed += repeat_report(site)
        print()
        failed += secrets_report(Path(tmp))
        print(f"\n{'all cases pass' if not failed else f'{failed} case(s) FAILED'}")
        return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
