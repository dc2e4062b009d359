"""dbt over a copy of the refreshed warehouse: tests load rows a live feed would deliver into the copy,
then rebuild the models downstream of that feed, leaving the shared warehouse untouched."""

import os
import shutil
import subprocess
from pathlib import Path


def warehouse_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(os.environ["ESCALATOR_WAREHOUSE"], copy)
    return copy


def dbt_on(copy: Path, tmp_path: Path, select: str, command: str = "run") -> None:
    from assets.transform.project import DBT_PROJECT_DIR, GLOBAL_FLAGS, dbt_executable

    env = {**os.environ, "ESCALATOR_WAREHOUSE": str(copy)}
    subprocess.run(
        [
            dbt_executable(),
            *GLOBAL_FLAGS,
            command,
            "--quiet",
            "--select",
            select,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
        ],
        check=True,
        env=env,
        cwd=DBT_PROJECT_DIR,
    )
