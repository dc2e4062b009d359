"""DfE Explore Education Statistics (EES) public API, for the Plan's NEET row.

    GET {base}/v1/data-sets/{dataSetId}        summary; `latestVersion.version` / `.published` = the release
    GET {base}/v1/data-sets/{dataSetId}/csv    the whole data set as CSV (optionally ?dataSetVersion=)

EES data sets share one tidy CSV layout: `time_period` (2024, or 202425 for an academic year),
`time_identifier`, `geographic_level` (National / Regional / Local authority), `country_code`,
`region_code`, `new_la_code`, `la_name`, ..., then filter columns and indicator columns. Cells use the
GSS symbols: c confidential, x unavailable, z not applicable, u low reliability, low (rounds to 0).

DfE's local NEET measure ("NEET and participation: local authority figures") is for 16-17 year olds
known to the local authority, as the average of December, January and February. Which data set and
column carry it is configuration (sources.dfe_neet: data_set_id, value_column, filters), because DfE
re-issues data set ids with new publications; find the id on the data set's EES page ("API data set").
"""

import io
import re
from collections.abc import Mapping

import pandas as pd
import requests

from assets.platform.http import FeedError, get, make_session
from assets.platform.responses import csv_text, json_doc
from assets.platform.warehouse import QuarantineRow

BASE_URL = "https://api.education.gov.uk/statistics"
REQUIRED = ["time_period", "time_identifier", "geographic_level"]
SUPPRESSED = {"c", "x", "z", ":", "..", "low"}  # "low": rounds to 0, no number published
_PERIOD = re.compile(r"^[0-9]{4}([0-9]{2})?$")
UNRELIABLE = {"u"}
LEVEL_CODES = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("new_la_code", "la_name"),
}


class EesClient:
    def __init__(self, base_url: str = BASE_URL, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = session or make_session()

    def release(self, data_set_id: str) -> str | None:
        """The latest version and its publication time, from the data set's summary."""
        resp = get(self.session, f"DfE EES {data_set_id}", f"{self.base_url}/v1/data-sets/{data_set_id}")
        summary = json_doc(f"DfE EES {data_set_id} summary", resp)
        latest = (summary.get("latestVersion") if isinstance(summary, dict) else None) or {}
        version = latest.get("version")
        return f"{version} {latest.get('published', '')}".strip() if version else None

    def csv(self, data_set_id: str, version: str | None = None) -> pd.DataFrame:
        params = {"dataSetVersion": version} if version else None
        resp = get(
            self.session, f"DfE EES {data_set_id}", f"{self.base_url}/v1/data-sets/{data_set_id}/csv", params=params
        )
        text = csv_text(f"DfE EES {data_set_id}", resp)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise FeedError(f"DfE EES {data_set_id}: response lacks column(s) {', '.join(missing)}")
        return frame


def tidy(
    frame: pd.DataFrame,
    data_set_id: str,
    indicator_id: str,
    value_column: str,
    areas: set[str],
    filters: Mapping[str, str] | None = None,
    numerator_column: str | None = None,
    denominator_column: str | None = None,
    quarantine: list[QuarantineRow] | None = None,
) -> pd.DataFrame:
    """One row per area x period in the shape of the other official feeds (Nomis columns). A row whose
    time_period is neither YYYY nor YYYYYY, or whose value is neither a number nor a GSS symbol, goes to
    `quarantine` with the reason."""
    for col in [value_column, *(c for c in (numerator_column, denominator_column) if c)]:
        if col not in frame.columns:
            raise FeedError(
                f"DfE EES {data_set_id}: column '{col}' not in the data set (has {', '.join(frame.columns[:25])})"
            )
    f = frame
    for col, wanted in (filters or {}).items():
        if col not in f.columns:
            raise FeedError(f"DfE EES {data_set_id}: filter column '{col}' not in the data set")
        f = f[f[col] == wanted]
    rows = []
    for level, (code_col, name_col) in LEVEL_CODES.items():
        part = f[(f["geographic_level"] == level)] if code_col in f.columns else f.iloc[0:0]
        part = part[part[code_col].isin(areas)]
        for i, d in zip(part.index, part.to_dict("records")):
            if not _PERIOD.match(str(d["time_period"])):
                _reject(
                    quarantine,
                    QuarantineRow(
                        f"{data_set_id} row {i + 2}", "time_period", f"'{d['time_period']}' is not YYYY or YYYYYY", d
                    ),
                )
                continue
            raw = str(d[value_column]).strip()
            status = raw.lower() if raw.lower() in SUPPRESSED | UNRELIABLE else ""
            if not status and _number(raw) is None:
                _reject(
                    quarantine,
                    QuarantineRow(
                        f"{data_set_id} row {i + 2}", value_column, f"'{raw}' is neither a number nor a GSS symbol", d
                    ),
                )
                continue
            rows.append(
                {
                    "indicator_id": indicator_id,
                    "dataset": data_set_id,
                    "geography_code": d[code_col],
                    "geography_name": d.get(name_col),
                    "geography_type": level,
                    "period": d["time_period"],
                    "value": _number(raw),
                    "numerator": _number(d.get(numerator_column)) if numerator_column else None,
                    "denominator": _number(d.get(denominator_column)) if denominator_column else None,
                    "ci_half_width": None,
                    "obs_status": status or "A",
                    "reliability": "suppressed"
                    if status in SUPPRESSED
                    else ("unreliable" if status in UNRELIABLE else "reliable"),
                }
            )
    out = pd.DataFrame(rows)
    if not out.empty and out.duplicated(["geography_code", "period"]).any():
        dup = out[out.duplicated(["geography_code", "period"], keep=False)].iloc[0]
        raise FeedError(
            f"DfE EES {data_set_id}: several rows for {dup.geography_code} {dup.period}: "
            f"set sources.dfe_neet.filters to pick one (e.g. the total breakdown)"
        )
    return out


def _reject(quarantine: list[QuarantineRow] | None, row: QuarantineRow) -> None:
    """Quarantine the row, or fail loudly when the caller keeps no quarantine: never drop it silently."""
    if quarantine is None:
        raise FeedError(row.message("DfE EES"))
    quarantine.append(row)


def _number(text) -> float | None:
    try:
        return float(str(text).replace(",", ""))
    except (TypeError, ValueError):
        return None
