"""DWP Stat-Xplore Open Data API: Universal Credit people by employment indicator, for the Plan's
"UC claimants not in employment" (share of people on UC who are not in employment).

POST {base}/table with the APIKey header and a JSON query {database, measures, dimensions, recodes}.
The response holds `fields` (one per dimension, each with `items` carrying `labels` and `uris`) and
`cubes` {measure uri: {"values": nested lists, one level per dimension}}. The field and value URIs below
are the ones public code that queries the live API uses (the LA valueset is the 2021 master geography,
`V_C_MASTERGEOG21_LA_TO_REGION`; the employment indicator is `EMPLOYMENT_CODE`); confirm them with
GET {base}/schema/<database> when going live, and override them under sources.statxplore.query in
escalator.yaml. Cells are read by the field URIs of the query, not by their labels."""

from dataclasses import dataclass, field

import pandas as pd
import requests

from assets.platform.http import FeedError, redact
from assets.platform.responses import json_doc

BASE_URL = "https://stat-xplore.dwp.gov.uk/webapi/rest/v1"
DB = "UC_Monthly"
GEO_FIELD = f"str:field:{DB}:V_F_UC_CASELOAD_FULL:COA_CODE"
GEO_VALUE = f"str:value:{DB}:V_F_UC_CASELOAD_FULL:COA_CODE:V_C_MASTERGEOG21_LA_TO_REGION:"
DATE_FIELD = f"str:field:{DB}:F_UC_DATE:DATE_NAME"
EMPLOYMENT_FIELD = f"str:field:{DB}:V_F_UC_CASELOAD_FULL:EMPLOYMENT_CODE"
MEASURE = f"str:count:{DB}:V_F_UC_CASELOAD_FULL"


def default_query(la_codes: list[str]) -> dict:
    return {
        "database": f"str:database:{DB}",
        "measures": [MEASURE],
        "recodes": {GEO_FIELD: {"map": [[GEO_VALUE + code] for code in la_codes], "total": False}},
        "dimensions": [[GEO_FIELD], [DATE_FIELD], [EMPLOYMENT_FIELD]],
    }


@dataclass
class StatXploreClient:
    api_key: str
    session: requests.Session
    base_url: str = BASE_URL
    calls: list = field(default_factory=list)

    def table(self, query: dict) -> dict:
        url = self.base_url.rstrip("/") + "/table"
        timeout = getattr(self.session, "escalator_timeout", 120.0)
        try:
            resp = self.session.post(url, json=query, headers={"APIKey": self.api_key}, timeout=timeout)
        except requests.RequestException as exc:
            raise FeedError(f"Stat-Xplore: request failed: {redact(str(exc))}") from None
        if resp.status_code >= 400:
            try:
                detail = resp.json().get("message", "")
            except ValueError:
                detail = resp.text[:200]
            raise FeedError(f"Stat-Xplore: HTTP {resp.status_code} from {url}: {detail}")
        return json_doc("Stat-Xplore", resp)


def tidy(response: dict) -> pd.DataFrame:
    """Flatten a /table response: one row per cell with, for each field, its item's label (column = the
    field URI) and item URI (column = field URI + "#uri"), then `value`."""
    fields = response.get("fields") or []
    cubes = response.get("cubes") or {}
    if not fields or not cubes:
        return pd.DataFrame()
    # the measure asked for, and only it: a cube for any other measure is not this query's answer
    if set(cubes) != {MEASURE}:
        raise FeedError(f"Stat-Xplore: response measures {sorted(cubes)}, expected only {MEASURE!r}")
    values = cubes[MEASURE].get("values")
    items = [[((i.get("labels") or [""])[0], (i.get("uris") or [""])[0]) for i in f["items"]] for f in fields]
    rows = []

    def walk(node, depth, picked):
        if depth == len(fields):
            rows.append([part for d, k in enumerate(picked) for part in items[d][k]] + [node])
            return
        if not isinstance(node, list) or len(node) != len(items[depth]):
            raise FeedError(
                f"Stat-Xplore: cube shape does not match field '{fields[depth].get('label')}' "
                f"({len(items[depth])} items)"
            )
        for k, child in enumerate(node):
            walk(child, depth + 1, (*picked, k))

    walk(values, 0, ())
    columns = [c for f in fields for c in (f["uri"], f["uri"] + "#uri")]
    return pd.DataFrame(rows, columns=[*columns, "value"])


def _period(uri: str, label: str) -> str:
    """Month from the value URI's C_UC_DATE code (yyyymm), else from a label such as "October 2026"."""
    code = uri.rsplit(":", 1)[-1]
    if len(code) == 6 and code.isdigit():
        return f"{code[:4]}-{code[4:]}"
    try:
        return pd.to_datetime(label, format="%B %Y").strftime("%Y-%m")
    except ValueError:
        raise FeedError(
            f"Stat-Xplore: month item '{label}' ({uri}) is neither a C_UC_DATE code nor '<Month> <year>'"
        ) from None


def uc_not_in_employment(frame: pd.DataFrame, query: dict) -> pd.DataFrame:
    """Share of people on UC not in employment, per LA and month, in the tracker's observation shape.

    The query's dimensions are [geography, month, employment indicator]. The numerator is the items
    labelled "Not in employment"; the denominator is everyone on UC in the LA and month, so people whose
    employment is unknown count in the denominator only (the share is not overstated)."""
    geo, month, employment = (d[0] for d in query["dimensions"])
    for uri in (geo, month, employment):
        if uri not in frame.columns:
            raise FeedError(
                f"Stat-Xplore: field '{uri}' missing from the response "
                f"(got {[c for c in frame.columns if not c.endswith('#uri') and c != 'value']})"
            )
    frame = frame[frame[employment].str.lower() != "total"]
    values = pd.to_numeric(frame.value, errors="coerce")
    bad = frame[values.isna()]
    if len(bad):  # a cell that is not a count would otherwise drop out of both sums unseen
        first = bad.iloc[0]
        raise FeedError(
            f"Stat-Xplore: {len(bad)} cell(s) are not counts, e.g. {first[geo]} / {first[month]} / "
            f"{first[employment]}: {'empty' if pd.isna(first.value) else repr(first.value)}"
        )
    labels = frame[employment].str.lower()
    if not labels.str.startswith("not in employment").any():
        raise FeedError(
            f"Stat-Xplore: no 'Not in employment' item in field '{employment}' "
            f"(items {sorted(frame[employment].unique())})"
        )
    frame = frame.assign(
        code=frame[geo + "#uri"].str.rsplit(":", n=1).str[-1],
        period=[_period(u, lab) for u, lab in zip(frame[month + "#uri"], frame[month])],
        value=values,
        not_employed=labels.str.startswith("not in employment"),
    )
    out = (
        frame.assign(numerator=frame.value.where(frame.not_employed, 0.0))
        .groupby(["code", geo, "period"], as_index=False)
        .agg(numerator=("numerator", "sum"), denominator=("value", "sum"))
    )
    out["value"] = (100 * out.numerator / out.denominator).round(1)
    return pd.DataFrame(
        {
            "indicator_id": "uc_not_in_employment",
            "dataset": "UC_Monthly",
            "geography_code": out.code,
            "geography_name": out[geo],
            "geography_type": "local authority",
            "period": out.period,
            "value": out.value,
            "numerator": out.numerator,
            "denominator": out.denominator,
            "ci_half_width": None,
            "obs_status": None,
            "reliability": "reliable",
        }
    )
