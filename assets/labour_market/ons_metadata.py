"""Parse ONS Explore Local Statistics metadata JSON (the three shapes the published files use)."""

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from assets.platform.csv_loader import DataFileError

COLUMNS = [
    "dataset",
    "indicator",
    "label",
    "subtitle",
    "source_org",
    "source_url",
    "source_date",
    "description",
    "caveats",
]


def _date(text: str | None) -> date | None:
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text[: len(datetime.now().strftime(fmt))], fmt).date()
        except ValueError:
            continue
    return None


def _row(dataset: str, indicator: str | None, block: dict, shared: dict) -> dict:
    merged = {**shared, **block}
    return {
        "dataset": dataset,
        "indicator": indicator,
        "label": merged.get("label"),
        "subtitle": merged.get("subtitle"),
        "source_org": merged.get("sourceOrg"),
        "source_url": merged.get("sourceURL"),
        "source_date": _date(merged.get("sourceDate")),
        "description": merged.get("longDescription"),
        "caveats": merged.get("caveats"),
    }


def parse_metadata(dataset: str, doc: dict, origin: str) -> list[dict]:
    """One row per indicator (or one for the whole dataset when it has a single indicator)."""
    ess = doc.get("ess-beta-metadata")
    if isinstance(ess, dict) and "shared" in ess:  # shared block + one block per indicator
        shared = ess["shared"]
        return [
            _row(dataset, name, block, shared)
            for name, block in ess.items()
            if name != "shared" and isinstance(block, dict)
        ]
    if isinstance(ess, dict):  # one flat block
        return [_row(dataset, None, ess, {})]
    if "$schema" in doc and "csv-cubed" in str(doc["$schema"]):  # csv-cubed qube config
        return [
            {
                "dataset": dataset,
                "indicator": None,
                "label": doc.get("title"),
                "subtitle": doc.get("summary"),
                "source_org": doc.get("creator"),
                "source_url": doc.get("publisher"),
                "source_date": _date(doc.get("dataset_issued")),
                "description": doc.get("description"),
                "caveats": None,
            }
        ]
    raise DataFileError(f"{origin}: unrecognised ONS metadata layout (no 'ess-beta-metadata' or csv-cubed)")


def read_metadata_folder(folder: Path) -> pd.DataFrame:
    files = sorted(folder.glob("*.json"))
    if not files:
        raise DataFileError(f"{folder}: no metadata JSON files")
    rows: list[dict] = []
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}") from exc
        rows.extend(parse_metadata(path.stem, doc, str(path)))
    return pd.DataFrame(rows, columns=COLUMNS)
