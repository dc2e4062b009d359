"""Mutation check (issue 29): change one rule or constant at a time and show that a test fails.

Each mutation edits one line in a copy of the project (never this checkout), runs the tests that guard it
and prints KILLED (a test failed, as it must) or SURVIVED (no test noticed: a gap to close). The RAG rule
lives in dbt SQL and is guarded by the dbt unit tests of fct_plan_indicators (`dbt build` runs them in
every refresh, so `make test`'s session refresh fails on them); here they run alone with `dbt test` on a
copy of the warehouse `make run` built. Needs `make run` first.

    .venv/bin/python -m benchmarks mutation
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAG = "dbt_project/models/marts/fct_plan_indicators.sql"
DBT_RAG = ("dbt", "fct_plan_indicators,test_type:unit")
LEADS = ("tests/test_escalator_ranker.py::test_lead_groups_are_the_ones_ons_titles_name_as_supervising_or_managing",)
# (name, file, text, replacement, what guards it: pytest node ids or DBT_RAG)
MUTATIONS = [
    (
        "RAG: baseline inside the CI is no longer amber",
        RAG,
        "baseline_value between lci_95 and uci_95 then 'amber'",
        "baseline_value between lci_95 and uci_95 and false then 'amber'",
        DBT_RAG,
    ),
    ("RAG: the no-CI band 1% -> 2%", RAG, "< 0.01 * abs(baseline_value)", "< 0.02 * abs(baseline_value)", DBT_RAG),
    ("RAG: the no-CI band 1% -> 0.5%", RAG, "< 0.01 * abs(baseline_value)", "< 0.005 * abs(baseline_value)", DBT_RAG),
    (
        "RAG: target met needs more than the target",
        RAG,
        "(better_direction = 'higher' and value >= target_value)",
        "(better_direction = 'higher' and value > target_value)",
        DBT_RAG,
    ),
    (
        "RAG: better direction ignored (moved the worse way is green)",
        RAG,
        "when (better_direction = 'higher' and value > baseline_value)",
        "when (better_direction = 'higher' and value < baseline_value)",
        DBT_RAG,
    ),
    # the title pattern and the description pattern each find every supervisory group ONS names (either
    # alone is enough on the shipped groups), so a mutation must change what the rule finds: too much, or
    # neither pattern
    (
        "supervisory rule: any mention of supervision makes a group a lead",
        "assets/escalator/structure.py",
        'SUPERVISES = re.compile(r"directly supervise|',
        'SUPERVISES = re.compile(r"supervis|',
        LEADS,
    ),
    (
        "supervisory rule: neither ONS's titles nor descriptions read",
        "assets/escalator/structure.py",
        "supervisory = groups.soc2020_title.str.contains(SUPERVISORY_TITLE) | groups",
        "supervisory = groups.soc2020_title.str.contains('^$') & groups",
        LEADS,
    ),
    (
        "Stat-Xplore measure constant",
        "assets/labour_market/connectors/statxplore.py",
        'MEASURE = f"str:count:{DB}:V_F_UC_CASELOAD_FULL"',
        'MEASURE = f"str:count:{DB}:V_F_UC_CASELOAD"',
        (
            "tests/test_statxplore.py::test_client_posts_the_query_with_the_key_and_tidies_the_cube",
            "tests/test_statxplore.py::test_errors_are_loud_and_name_the_problem",
        ),
    ),
    (
        "Stat-Xplore geography field constant",
        "assets/labour_market/connectors/statxplore.py",
        'GEO_FIELD = f"str:field:{DB}:V_F_UC_CASELOAD_FULL:COA_CODE"',
        'GEO_FIELD = f"str:field:{DB}:V_F_UC_CASELOAD_FULL:LA_CODE"',
        (
            "tests/test_statxplore.py::test_client_posts_the_query_with_the_key_and_tidies_the_cube",
            "tests/test_statxplore.py::test_errors_are_loud_and_name_the_problem",
        ),
    ),
    (
        "ONS labour-demand dataset page constant",
        "assets/jobads/connectors/ons_job_adverts.py",
        "labourdemandvolumesbystandardoccupationclassificationsoc2020uk",
        "labourdemandvolumesbysoc2020uk",
        ("tests/test_ons_job_adverts.py::test_client_follows_dataset_page_to_edition_to_file",),
    ),
]
IGNORE = shutil.ignore_patterns(
    ".venv", ".cache", ".bench", "warehouse", "published", "test-artifacts", "target", "*.duckdb*", ".git"
)


def run_guard(copy: Path, guard: tuple, tmp: Path) -> bool:
    """True when the guarding tests fail."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PYTHONPATH": str(copy)}
    if guard == DBT_RAG:
        from assets.transform.project import GLOBAL_FLAGS, dbt_executable

        warehouse = tmp / "copy.duckdb"
        if not warehouse.exists():
            shutil.copyfile(ROOT / "warehouse" / "escalator.duckdb", warehouse)
        env["ESCALATOR_WAREHOUSE"] = str(warehouse)
        dbt = copy / "dbt_project"
        cmd = [dbt_executable(), *GLOBAL_FLAGS, "test", "--quiet", "--select", guard[1], "--project-dir", str(dbt)]
        cmd += ["--profiles-dir", str(dbt), "--target-path", str(tmp / "target")]
        return subprocess.run(cmd, cwd=dbt, env=env, capture_output=True).returncode != 0
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", "-p", "no:cacheprovider", *guard]
    return subprocess.run(cmd, cwd=copy, env=env, capture_output=True).returncode != 0


def main() -> None:
    if not (ROOT / "warehouse" / "escalator.duckdb").exists():
        raise SystemExit("mutation: run `make run` first (the RAG unit tests need the warehouse's tables)")
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp_dir:
        tmp = Path(tmp_dir)
        copy = tmp / "project"
        shutil.copytree(ROOT, copy, ignore=IGNORE)
        baseline = {g: run_guard(copy, g, tmp) for g in {m[4] for m in MUTATIONS}}
        if any(baseline.values()):
            raise SystemExit(f"mutation: guards fail before any mutation: {[g for g, f in baseline.items() if f]}")
        killed = 0
        for name, rel, text, replacement, guard in MUTATIONS:
            path = copy / rel
            original = path.read_text()
            if text not in original:  # (every occurrence changes: a rule and the reason that restates it)
                raise SystemExit(f"mutation {name!r}: {text!r} is not in {rel}")
            path.write_text(original.replace(text, replacement))
            t0 = time.perf_counter()
            try:
                failed = run_guard(copy, guard, tmp)
            finally:
                path.write_text(original)
            killed += failed
            guard_name = "dbt unit tests of fct_plan_indicators" if guard == DBT_RAG else " ".join(guard)
            print(
                f"{'KILLED ' if failed else 'SURVIVED'}  {name:<62} by {guard_name} ({time.perf_counter() - t0:.0f}s)"
            )
        print(f"{killed} of {len(MUTATIONS)} mutations make a test fail")


if __name__ == "__main__":
    main()
