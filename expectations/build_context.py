"""(Re)write the committed GE file context under expectations/gx from expectations.suites.

Run by a maintainer after editing suites (`make gx-build`); never at run time, where the context is
only read (adding objects at run time rewrites great_expectations.yml and races between checks).
"""

import re
import shutil
import sys
import uuid
from pathlib import Path

GX_ROOT = Path(__file__).resolve().parent  # the context lives in expectations/gx


def build(root: Path = GX_ROOT) -> Path:
    import great_expectations as gx

    from expectations.suites import SUITES, expectations_for

    gx_dir = root / "gx"
    for sub in ("expectations", "validation_definitions", "checkpoints"):
        shutil.rmtree(gx_dir / sub, ignore_errors=True)
    if (gx_dir / "great_expectations.yml").exists():
        (gx_dir / "great_expectations.yml").unlink()
    ctx = gx.get_context(mode="file", project_root_dir=str(root))
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    ctx.variables.analytics_enabled = False
    ctx.variables.save()
    source = ctx.data_sources.add_pandas("warehouse")
    for suite_def in SUITES:
        batch = source.add_dataframe_asset(suite_def.name).add_batch_definition_whole_dataframe("whole_table")
        suite = ctx.suites.add(gx.ExpectationSuite(name=suite_def.name))
        for expectation in expectations_for(suite_def):
            suite.add_expectation(expectation)
        ctx.validation_definitions.add(gx.ValidationDefinition(name=suite_def.name, data=batch, suite=suite))
    _stable_ids(gx_dir)
    return gx_dir


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stable_ids(gx_dir: Path) -> None:
    """GE gives every object a random id; replace each by a name-derived one, consistently across files,
    so that rebuilding unchanged suites leaves the committed context unchanged."""
    files = sorted(
        p
        for p in gx_dir.rglob("*")
        if p.is_file() and "uncommitted" not in p.parts and p.suffix in (".json", ".yml", "") and p.name != ".gitignore"
    )
    texts = {p: p.read_text() for p in files}
    mapping: dict[str, str] = {}
    for p in files:
        for n, old in enumerate(_UUID.findall(texts[p])):
            mapping.setdefault(old, str(uuid.uuid5(uuid.NAMESPACE_URL, f"{p.relative_to(gx_dir)}#{n}")))
    for p, text in texts.items():
        new = _UUID.sub(lambda m: mapping[m.group(0)], text)
        if new != text:
            p.write_text(new)


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else GX_ROOT))
