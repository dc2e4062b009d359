"""Geography helpers: LSOA boundaries as GeoJSON text per feature (DuckDB's spatial extension is a
download, so the warehouse keeps geometry as GeoJSON strings that plotly reads directly)."""

import json
from pathlib import Path

import pandas as pd

from assets.platform.csv_loader import DataFileError


def read_boundaries(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataFileError(f"{path}: file not found")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: invalid JSON at line {exc.lineno}") from exc
    rows = []
    for i, feature in enumerate(doc.get("features") or []):
        props = feature.get("properties") or {}
        if not props.get("lsoa21cd") or not feature.get("geometry"):
            raise DataFileError(f"{path}: feature {i} has no lsoa21cd or geometry")
        rows.append(
            {
                "lsoa21cd": props["lsoa21cd"],
                "lad_code": props.get("lad_code"),
                "geometry_geojson": json.dumps(feature["geometry"], separators=(",", ":")),
            }
        )
    if not rows:
        raise DataFileError(f"{path}: no features")
    return pd.DataFrame(rows)
