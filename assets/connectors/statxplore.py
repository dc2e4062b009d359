"""DWP Stat-Xplore Open Data API: Universal Credit people by employment indicator, for the Plan's
"UC claimants not in employment" (share of people on UC who are not in employment).

POST {base}/table with the APIKey header and a JSON query {database, measures, dimensions, recodes}.
The response holds `fields` (one per dimension, each with `items` carrying `labels` and `uris`) and
`cubes` {measure uri: {"values": nested lists, one level per dimension}}. The field and value URIs below
follow Stat-Xplore's published naming; confirm them with GET {base}/schema/<database> before going live,
and override them under sources.statxplore.query in escalator.yaml."""

from dataclasses import dataclass, field

import pandas as pd
import requests

from assets.connectors.http import FeedError, redact

BASE_URL = "https://stat-xplore.dwp.gov.uk/webapi/rest/v1"
DB = "UC_Monthly"
GEO_FIELD = f"str:field:{DB}:V_F_UC_CASELOAD_FULL:COA_CODE"
GEO_VALUE = f"str:value:{DB}:V_F_UC_CASELOAD_FULL:COA_CODE:V_C_MASTERGEOG11_LA_TO_REGION_NI:"
DATE_FIELD = f"str:field:{DB}:F_UC_DATE:DATE_NAME"
EMPLOYMENT_FIELD = f"str:field:{DB}:V_F_UC_CASELOAD_FULL:EMPLOYMENT_STATUS"
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
    timeout: float = 120
    calls: list = field(default_factory=list)

    def table(self, query: dict) -> dict:
        url = self.base_url.rstrip("/") + "/table"
        try:
            resp = self.session.post(url, json=query, headers={"APIKey": self.api_key}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise FeedError(f"Stat-Xplore: request failed: {redact(str(exc))}") from None
        if resp.status_code >= 400:
            try:
                detail = resp.json().get("message", "")
            except ValueError:
                detail = resp.text[:200]
            raise FeedError(f"Stat-Xplore: HTTP {resp.status_code} from {url}: {detail}")
        return resp.json()


def tidy(response: dict) -> pd.DataFrame:
    """Flatten a /table response: one row per cell, a column per field (its label) plus `uri_<n>` for the
    first field's item URI and `value`."""
    fields = response.get("fields") or []
    cubes = response.get("cubes") or {}
    if not fields or not cubes:
        return pd.DataFrame()
    values = next(iter(cubes.values())).get("values")
    labels = [f["label"] for f in fields]
    items = [[(i.get("labels") or [""])[0] for i in f["items"]] for f in fields]
    uris = [(i.get("uris") or [""])[0] for i in fields[0]["items"]]
    rows = []

    def walk(node, depth, picked):
        if depth == len(fields):
            rows.append((*picked, node))
            return
        if not isinstance(node, list) or len(node) != len(items[depth]):
            raise FeedError(f"Stat-Xplore: cube shape does not match field '{labels[depth]}' "
                            f"({len(items[depth])} items)")
        for k, child in enumerate(node):
            walk(child, depth + 1, (*picked, k))

    walk(values, 0, ())
    frame = pd.DataFrame([[items[d][r[d]] for d in range(len(fields))] + [uris[r[0]], r[-1]] for r in rows],
                         columns=[*labels, "geography_uri", "value"])
    return frame


def uc_not_in_employment(frame: pd.DataFrame, geography_label: str = "National - Regional - LA - OAs",
                         month_label: str = "Month", employment_label: str = "Employment indicator") -> pd.DataFrame:
    """Share of people on UC not in employment, per LA and month, in the tracker's observation shape."""
    for col in (geography_label, month_label, employment_label):
        if col not in frame.columns:
            raise FeedError(f"Stat-Xplore: field '{col}' missing from the response (got {list(frame.columns)})")
    frame = frame.assign(code=frame.geography_uri.str.rsplit(":", n=1).str[-1],
                         employed=frame[employment_label].str.lower().str.startswith("in employment"),
                         value=pd.to_numeric(frame.value, errors="coerce"))
    frame = frame[frame[employment_label].str.lower() != "total"]
    grouped = frame.groupby(["code", geography_label, month_label])
    out = grouped.apply(lambda g: pd.Series({"numerator": g.loc[~g.employed, "value"].sum(),
                                             "denominator": g["value"].sum()}), include_groups=False).reset_index()
    out["period"] = pd.to_datetime(out[month_label], format="%B %Y").dt.strftime("%Y-%m")
    out["value"] = (100 * out.numerator / out.denominator).round(1)
    return pd.DataFrame({
        "indicator_id": "uc_not_in_employment", "dataset": "UC_Monthly", "geography_code": out.code,
        "geography_name": out[geography_label], "geography_type": "local authority", "period": out.period,
        "value": out.value, "numerator": out.numerator, "denominator": out.denominator, "ci_half_width": None,
        "obs_status": None, "reliability": "reliable"})
