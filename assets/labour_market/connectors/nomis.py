"""Nomis API client (https://www.nomisweb.co.uk/api/v01): dataset CSV downloads with paging.

Queries look like `/dataset/NM_17_5.data.csv?geography=...&date=latestMINUS4-latest&variable=45
&measures=20599,21001,21002,21003&select=...`. Nomis returns at most 25,000 rows per call (more
with a registered `uid`); RECORD_COUNT says how many there are and `recordoffset` pages on.
OBS_STATUS carries the SDMX observation status (A normal, Q suppressed, U low reliability, ...).
"""

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import requests

from assets.labour_market.official import NOMIS_COLUMNS
from assets.platform.http import FeedError, get, make_session
from assets.platform.responses import csv_text, json_doc

BASE_URL = "https://www.nomisweb.co.uk/api/v01"
PAGE_LIMIT = 25_000
SELECT = [
    "date_name",
    "date_code",
    "geography_code",
    "geography_name",
    "geography_type",
    "measures",
    "measures_name",
    "obs_value",
    "obs_status",
    "obs_status_name",
    "record_count",
]
REQUIRED = ["DATE_CODE", "GEOGRAPHY_CODE", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "RECORD_COUNT"]
# Query parameters that pick codes of a dimension. Nomis ignores a parameter a dataset does not have and
# then returns every code of that dimension (a real NM_162_1 body holds four MEASURE rows, NM_57_1 two
# ITEMs): each is selected back (the dimension's own column holds its code) and checked row by row.
DIMENSIONS = ("measures", "measure", "item", "variable", "gender", "sex", "age", "c_age")
GSS = re.compile(r"^[EKNSW]\d{8}$")
# SDMX observation status codes as Nomis publishes them
SUPPRESSED = {"Q", "M", "X", "!"}
UNRELIABLE = {"U", "*"}


@dataclass(frozen=True)
class NomisQuery:
    indicator_id: str
    dataset: str
    params: Mapping[str, str] = field(default_factory=dict)
    # {column: regex} the response must match, e.g. {"variable_name": "(?i)female"}: a dimension code
    # that means something else than we think fails the feed instead of publishing the wrong series.
    expect: Mapping[str, str] = field(default_factory=dict)


def check_expected(query: NomisQuery, frame: pd.DataFrame) -> None:
    for column, pattern in query.expect.items():
        col = column.upper()
        if col not in frame.columns:
            raise FeedError(f"Nomis {query.dataset} ({query.indicator_id}): response lacks {col} to check")
        names = sorted(set(frame[col]))
        wrong = [n for n in names if not re.search(pattern, n)]
        if wrong:
            raise FeedError(
                f"Nomis {query.dataset} ({query.indicator_id}): {col} is {wrong}, expected "
                f"/{pattern}/ for {dict(query.params)}; fix sources.nomis.queries"
            )


def requested_codes(params: Mapping[str, str]) -> dict[str, set[str]]:
    """{response column: the codes the query asked for}: every dimension given as numeric codes, and the
    geographies when they are GSS codes (the response's GEOGRAPHY_CODE is GSS in every dataset)."""
    out: dict[str, set[str]] = {}
    for name in DIMENSIONS:
        parts = [p.strip() for p in str(params.get(name, "")).split(",") if p.strip()]
        if parts and all(p.isdigit() for p in parts):
            out[name.upper()] = set(parts)
    geographies = [g.strip() for g in str(params.get("geography", "")).split(",") if g.strip()]
    if geographies and all(GSS.match(g) for g in geographies):
        out["GEOGRAPHY_CODE"] = set(geographies)
    return out


@dataclass(frozen=True)
class Unrequested:
    """A response row the query did not ask for: the first field whose value was not requested."""

    row: int
    field: str
    value: str
    record: dict


RELATIVE_DATE = re.compile(r"^latest(?:MINUS(\d+))?$", re.I)


def requested_periods(date: str) -> tuple[int, set[str]] | None:
    """How many of the newest periods a `date` parameter asks for (`latest`, `latestMINUS4-latest`, ...)
    and the date codes it names outright (`2023-12`); None for forms this check does not read."""
    newest, named = 0, set()
    for token in (t.strip() for t in date.split(",") if t.strip()):
        ends = [RELATIVE_DATE.match(e.strip()) for e in token.split("-")]
        if all(ends) and len(ends) in (1, 2):
            steps = [int(m.group(1) or 0) for m in ends]
            newest = max(newest, max(steps) + 1)  # latestMINUS4-latest: the five newest
        elif re.fullmatch(r"\d{4}(-\d{2})?", token):
            named.add(token)
        else:
            return None
    return newest, named


def split_unrequested(
    frame: pd.DataFrame, params: Mapping[str, str], label: str = "Nomis"
) -> tuple[pd.DataFrame, list[Unrequested]]:
    """The rows the query asked for, and the others (each with the field and value that gives it away).
    A dimension the query picks must come back in its own column (fetch selects it): a response without
    it cannot be checked, so it fails naming the column."""
    bad: dict[int, Unrequested] = {}

    def flag(rows, column):
        for i in rows:
            bad.setdefault(i, Unrequested(int(i), column, str(frame.at[i, column]), frame.loc[i].to_dict()))

    for column, codes in requested_codes(params).items():
        if column not in frame.columns:
            if frame.empty:
                continue
            raise FeedError(
                f"{label}: the query picks {column.lower()}={','.join(sorted(codes))} but the response has no "
                f"{column} column to check it against (has {', '.join(frame.columns)})"
            )
        flag(frame.index[~frame[column].astype(str).str.strip().isin(codes)], column)
    periods = requested_periods(str(params.get("date", ""))) if params.get("date") else None
    if periods is not None and "DATE_CODE" in frame.columns and not frame.empty:
        newest, named = periods
        codes = frame["DATE_CODE"].astype(str).str.strip()
        relative = sorted(set(codes) - named, reverse=True)[:newest]  # Nomis date codes sort in time order
        flag(frame.index[~codes.isin(named | set(relative))], "DATE_CODE")
    return frame.drop(index=list(bad)), [bad[i] for i in sorted(bad)]


def missing_geographies(frame: pd.DataFrame, params: Mapping[str, str]) -> list[str]:
    wanted = requested_codes(params).get("GEOGRAPHY_CODE", set())
    return sorted(wanted - set(frame.get("GEOGRAPHY_CODE", pd.Series(dtype=str)).astype(str)))


class NomisClient:
    def __init__(
        self,
        base_url: str = BASE_URL,
        uid: str | None = None,
        session: requests.Session | None = None,
        page_limit: int = PAGE_LIMIT,
    ):
        self.base_url = base_url.rstrip("/")
        self.uid = uid
        self.session = session or make_session()
        self.page_limit = page_limit

    def fetch(self, dataset: str, params: Mapping[str, str], extra_select: tuple[str, ...] = ()) -> pd.DataFrame:
        """Every row of one query, all pages, as text columns (plus `extra_select` columns)."""
        dims = [d for d in DIMENSIONS if d in params and d not in SELECT]  # each picked dimension comes back
        query = {**params, "select": ",".join(dict.fromkeys([*SELECT, *dims, *extra_select]))}
        if self.uid:
            query["uid"] = self.uid
        url = f"{self.base_url}/dataset/{dataset}.data.csv"
        pages: list[pd.DataFrame] = []
        offset, total = 0, None
        while total is None or offset < total:
            page_query = {**query, "recordoffset": str(offset)} if offset else query
            resp = get(self.session, f"Nomis {dataset}", url, params=page_query)
            if not resp.content.strip():
                # Nomis answers a query it cannot serve (an unknown code, a bad date) with 200 and no body
                shown = {k: v for k, v in page_query.items() if k not in ("select", "uid")}
                raise FeedError(f"Nomis {dataset}: an empty response (0 bytes) to the data query {shown}")
            page = self._parse(dataset, resp)
            if page.empty:
                break
            total = int(page["RECORD_COUNT"].iloc[0])
            pages.append(page)
            offset += len(page)
        if not pages:
            return pd.DataFrame(columns=REQUIRED)
        out = pd.concat(pages, ignore_index=True)
        if total is not None and len(out) != total:
            raise FeedError(f"Nomis {dataset}: got {len(out)} rows, RECORD_COUNT says {total}")
        return out

    def last_updated(self, dataset: str) -> str | None:
        """The dataset's `LastUpdated` annotation from its definition (`/dataset/{id}.def.sdmx.json`):
        Nomis's release marker, used to skip downloads when nothing new was published."""
        params = {"uid": self.uid} if self.uid else None
        resp = get(
            self.session,
            f"Nomis {dataset} definition",
            f"{self.base_url}/dataset/{dataset}.def.sdmx.json",
            params=params,
        )
        doc = json_doc(f"Nomis {dataset} definition", resp)
        try:
            families = doc["structure"]["keyfamilies"]["keyfamily"]
        except (KeyError, TypeError) as exc:
            raise FeedError(f"Nomis {dataset} definition: not an SDMX-JSON structure ({exc})") from None
        for family in families if isinstance(families, list) else [families]:
            notes = ((family.get("annotations") or {}).get("annotation")) or []
            for note in notes if isinstance(notes, list) else [notes]:
                if str(note.get("annotationtitle", "")).lower() == "lastupdated":
                    return str(note.get("annotationtext"))
        return None

    @staticmethod
    def _parse(dataset: str, resp: requests.Response) -> pd.DataFrame:
        ctype = resp.headers.get("Content-Type", "")
        if "csv" not in ctype and "text/plain" not in ctype:
            raise FeedError(
                f"Nomis {dataset}: expected CSV, got {ctype or 'no content type'}: {resp.text[:200].strip()}"
            )
        if not resp.text.strip():
            return pd.DataFrame(columns=REQUIRED)
        frame = pd.read_csv(io.StringIO(csv_text(f"Nomis {dataset}", resp)), dtype=str, keep_default_na=False)
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise FeedError(
                f"Nomis {dataset}: response lacks column(s) {', '.join(missing)} (has {', '.join(frame.columns)})"
            )
        return frame


def tidy(indicator_id: str, dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per geography x period with value, CI and numerator/denominator where Nomis gives them
    (APS measures 20599 value, 21001 numerator, 21002 denominator, 21003 95% CI half-width)."""
    if frame.empty:
        return pd.DataFrame(columns=NOMIS_COLUMNS)
    f = frame.copy()
    f["OBS_VALUE"] = pd.to_numeric(f["OBS_VALUE"], errors="coerce")
    keys = ["GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "GEOGRAPHY_TYPE", "DATE_CODE"]
    for k in keys:
        if k not in f.columns:
            f[k] = None
    measure = f["MEASURES_NAME"].str.lower()
    kind = pd.Series("value", index=f.index)
    kind[measure.str.contains("numerator")] = "numerator"
    kind[measure.str.contains("denominator")] = "denominator"
    kind[measure.str.contains("confidence")] = "ci_half_width"
    f["kind"] = kind
    wide = f.groupby([*keys, "kind"], dropna=False)["OBS_VALUE"].first().unstack("kind")
    status = f[f.kind == "value"].set_index(keys)["OBS_STATUS"]
    wide = wide.join(status.rename("obs_status")).reset_index()
    for col in ["value", "numerator", "denominator", "ci_half_width"]:
        if col not in wide.columns:
            wide[col] = None
    wide["reliability"] = wide["obs_status"].map(
        lambda s: "suppressed" if s in SUPPRESSED else ("unreliable" if s in UNRELIABLE else "reliable")
    )
    wide.loc[wide.reliability == "suppressed", "value"] = None
    wide.insert(0, "indicator_id", indicator_id)
    wide.insert(1, "dataset", dataset)
    return wide.rename(
        columns={
            "GEOGRAPHY_CODE": "geography_code",
            "GEOGRAPHY_NAME": "geography_name",
            "GEOGRAPHY_TYPE": "geography_type",
            "DATE_CODE": "period",
        }
    )
