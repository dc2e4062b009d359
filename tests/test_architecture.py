"""The architecture, as tests: the asset graph is a reviewed snapshot (a change to keys, groups, checks or
dependencies shows up as a diff in tests/snapshots/asset_graph.json), and the layers import downwards
only (assets never import orchestration or reports; no import cycles between packages' modules)."""

import ast
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "asset_graph.json"


def asset_graph() -> dict:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for key in graph.asset_check_keys:
        checks.setdefault(key.asset_key.to_user_string(), []).append(key.name)
    out = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        name = key.to_user_string()
        out[name] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "checks": sorted(checks.get(name, [])),
        }
    return out


def test_asset_graph_matches_the_reviewed_snapshot():
    current = asset_graph()
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    reviewed = json.loads(SNAPSHOT.read_text())
    added, removed = sorted(set(current) - set(reviewed)), sorted(set(reviewed) - set(current))
    changed = sorted(k for k in set(current) & set(reviewed) if current[k] != reviewed[k])
    assert not (added or removed or changed), (
        f"asset graph changed: added {added}, removed {removed}, changed {changed}. If intended, run "
        "UPDATE_SNAPSHOT=1 pytest tests/test_architecture.py and commit tests/snapshots/asset_graph.json"
    )


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)  # `from pkg import module`
    return names


def _modules(package: str) -> dict[str, Path]:
    return {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in (ROOT / package).rglob("*.py")
    }


def test_assets_never_import_orchestration_or_reports():
    offenders = [
        f"{mod} imports {imp}"
        for mod, path in _modules("assets").items()
        for imp in _imports(path)
        if imp.split(".")[0] in {"orchestration", "reports"}
    ]
    assert offenders == []


def test_no_module_import_cycles():
    mods = {**_modules("assets"), **_modules("orchestration"), **_modules("reports"), **_modules("expectations")}
    edges = {m: {i for i in _imports(p) if i in mods and i != m} for m, p in mods.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(m, stack):
        state[m] = 1
        for n in edges[m]:
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n) :] + [n])
            elif not state.get(n):
                visit(n, stack + [n])
        state[m] = 2

    for m in mods:
        if not state.get(m):
            visit(m, [m])
    assert cycles == []


def test_configuration_reaches_assets_only_through_resources():
    """No settings file or environment read below orchestration/ (tests and orchestration aside)."""
    offenders = []
    for package in ("assets", "reports", "expectations"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            offenders += [
                f"{path.relative_to(ROOT)}: {word}" for word in ("load_settings", "os.environ") if word in text
            ]
    assert offenders == []
