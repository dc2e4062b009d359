"""Copy a refreshed site (warehouse file with its WAL, timetable versions beside it, the publication's
version folders and its `published` link) for tests that must not touch the session's own."""

import os
import shutil
from pathlib import Path


def copy_site(warehouse: Path, published: Path, to_warehouse: Path, to_published: Path) -> None:
    to_warehouse.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, to_warehouse)
    if Path(f"{warehouse}.wal").exists():
        shutil.copyfile(f"{warehouse}.wal", f"{to_warehouse}.wal")
    if (warehouse.parent / "gtfs").exists():
        shutil.copytree(warehouse.parent / "gtfs", to_warehouse.parent / "gtfs")
    versions = published.parent / f".{published.name}_versions"
    shutil.copytree(versions, to_published.parent / f".{to_published.name}_versions", symlinks=True)
    os.symlink(os.readlink(published), to_published, target_is_directory=True)
