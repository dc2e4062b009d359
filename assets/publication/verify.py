"""Does `published/` match its manifest? What a BI reader, an operator after a crash, or a test asks:
every listed file present with its sha256, nothing unlisted beside it."""

import json
from pathlib import Path

from assets.publication.publish import sha256, versions_dir

DESCRIPTORS = {"manifest.json", "datapackage.json"}


def verify(published: Path) -> list[str]:
    """Problems with the live publication, one line each; [] when it matches its manifest."""
    if not published.exists():
        return [f"{published}: no publication yet"]
    folder = published.resolve()
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        return [f"{folder.name}/manifest.json: unreadable ({exc})"]
    problems, listed = [], set()
    for f in manifest.get("files", []):
        path = folder / f["path"]
        listed.add(f["path"])
        if not path.exists():
            problems.append(f"{f['path']}: listed in the manifest but missing")
        elif sha256(path) != f["sha256"]:
            problems.append(f"{f['path']}: sha256 differs from the manifest")
    for extra in sorted({p.name for p in folder.iterdir()} - listed - DESCRIPTORS):
        problems.append(f"{extra}: present but not in the manifest")
    return problems


def incomplete_versions(published: Path) -> list[str]:
    """Version folders without a manifest: a publication killed part way (the next one removes them)."""
    vdir = versions_dir(published)
    return (
        sorted(p.name for p in vdir.iterdir() if p.is_dir() and not (p / "manifest.json").exists())
        if vdir.exists()
        else []
    )
