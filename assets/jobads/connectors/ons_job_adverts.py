"""ONS online job adverts: "Labour demand volumes by Standard Occupational Classification (SOC 2020), UK".

ONS counts new online job adverts from Textkernel data, assigns each a SOC 2020 unit group and a local
authority, and publishes one workbook per release (statistics in development, Open Government Licence).
It is the official series behind the Plan's "vacancies" indicator; our advert feeds give the detail.

Finding the current workbook uses the ONS website's JSON view of any page (`<page>/data`):
    GET {base}{dataset page}/data     -> {"datasets": [{"uri": "<edition page>"}, ...], ...}
    GET {base}{edition page}/data     -> {"downloads": [{"file": "labourdemandbyoccupation.xlsx"}],
                                          "description": {"releaseDate": ..., "edition": ...}}
    GET {base}/file?uri={edition page}/{file}                   the workbook
The edition page's name changes with every release (e.g. .../january2017tojuly2026), so the release
marker is edition + file + release date. Public code that reads other ONS dataset pages from the live site
walks the same three steps (`datasets[0].uri`, then `downloads[0].file`, then `/file?uri=`); no response
from this dataset's own page was available offline.

Workbook layout (edition January 2017 to July 2026, released 21 August 2026), both tables with notes
above a header row that starts with "Region":
    Table 5  quarterly new adverts, local authority x SOC 4-digit:
             Region | ITL2 | Local Authority District | SOC 4 digit code | SOC 4 digit label |
             Local Authority Code | 2017Q1 ... 2026Q2
    Table 3  monthly new adverts, region x SOC 4-digit:
             Region | SOC 4 digit code | SOC 4 digit label | Jan-17 ... Jul-26
Cells hold a count or a shorthand in brackets ("[x]" suppressed). Adverts ONS could not code have the
SOC code "Unknown"; they count towards an area's total. London appears as a region, without boroughs.
Since September 2025 ONS publishes new adverts only (live-advert snapshots were withdrawn).
"""

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import requests

from assets.platform.http import FeedError, get, make_session
from assets.platform.warehouse import QuarantineRow

BASE_URL = "https://www.ons.gov.uk"
DATASET_PAGE = (
    "/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/datasets/"
    "labourdemandvolumesbystandardoccupationclassificationsoc2020uk"
)
WORKBOOK_FILE = "labourdemandbyoccupation.xlsx"
LA_SHEET, REGION_SHEET = "Table 5", "Table 3"
LA_COLUMNS = {
    "region": "Region",
    "la_name": "Local Authority District",
    "soc": "SOC 4 digit code",
    "soc_title": "SOC 4 digit label",
    "la_code": "Local Authority Code",
}
REGION_COLUMNS = {"region": "Region", "soc": "SOC 4 digit code", "soc_title": "SOC 4 digit label"}
# English regions as ONS names them in the tables (GSS codes are not in Table 3)
REGION_CODES = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "East": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
}

COLUMNS = {
    "sheet": "string",
    "frequency": "string",
    "geography_level": "string",
    "geography_code": "string",
    "geography_name": "string",
    "region": "string",
    "soc2020": "string",
    "soc2020_title": "string",
    "period_label": "string",
    "period_start": "datetime64[ns]",
    "period_end": "datetime64[ns]",
    "adverts": "Int64",
    "status": "string",
    "marker": "string",
    "source_cell": "string",
    "release": "string",
}

_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$")
_MONTH = re.compile(r"^([A-Za-z]{3})[- ](\d{2}|\d{4})$")
_GSS_LA = re.compile(r"^[ENSW]\d{8}$")
_SOC4 = re.compile(r"^[1-9]\d{3}$")
_SHORTHAND = re.compile(r"^\[([a-z]+)\]$")
_NOTE = re.compile(r"\s*\[note\s*\d+\]", re.IGNORECASE)  # ONS headers may carry "[note 3]"
HEADER_SEARCH_ROWS = 25


@dataclass(frozen=True)
class Edition:
    uri: str  # the edition page, e.g. /employmentandlabourmarket/.../january2017tojuly2026
    file: str
    release_date: str

    @property
    def release(self) -> str:
        return f"{self.uri.rstrip('/').rsplit('/', 1)[-1]}/{self.file} {self.release_date}".strip()


class OnsWebsiteClient:
    def __init__(self, base_url: str = BASE_URL, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = session or make_session()

    def _json(self, page: str) -> dict:
        resp = get(self.session, "ONS job adverts", f"{self.base_url}{page.rstrip('/')}/data")
        try:
            body = resp.json()
        except ValueError:
            raise FeedError(f"ONS job adverts: {page}/data is not JSON") from None
        if not isinstance(body, dict):
            raise FeedError(f"ONS job adverts: {page}/data is not a JSON object")
        return body

    def current_edition(
        self, dataset_page: str = DATASET_PAGE, edition_uri: str | None = None, file: str = WORKBOOK_FILE
    ) -> Edition:
        """The edition to load: `edition_uri` if pinned, else the first edition the dataset page lists."""
        if not edition_uri:
            editions = [d.get("uri") for d in self._json(dataset_page).get("datasets") or [] if d.get("uri")]
            if not editions:
                raise FeedError(f"ONS job adverts: the dataset page {dataset_page} lists no editions")
            edition_uri = editions[0]
        page = self._json(edition_uri)
        files = [d.get("file") for d in page.get("downloads") or [] if d.get("file")]
        chosen = file if file in files else next((f for f in files if f.lower().endswith(".xlsx")), None)
        if not chosen:
            raise FeedError(
                f"ONS job adverts: edition {edition_uri} offers no .xlsx download (files: {', '.join(files) or 'none'})"
            )
        release_date = str((page.get("description") or {}).get("releaseDate") or "")
        return Edition(uri=edition_uri, file=chosen, release_date=release_date)

    def workbook(self, edition: Edition) -> bytes:
        resp = get(
            self.session,
            "ONS job adverts",
            f"{self.base_url}/file",
            params={"uri": f"{edition.uri.rstrip('/')}/{edition.file}"},
        )
        if not resp.content.startswith(b"PK"):
            raise FeedError(
                f"ONS job adverts: {edition.file} is not an xlsx workbook "
                f"(content type {resp.headers.get('Content-Type', '?')})"
            )
        return resp.content


def _period(label) -> tuple[str, date, date] | None:
    """A header cell as (label, first day, last day) of its quarter or month, or None if not a period."""
    if isinstance(label, (datetime, date)):  # a month header stored as a date
        d = label.date() if isinstance(label, datetime) else label
        start = d.replace(day=1)
        return start.strftime("%b-%y"), start, (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    text = _NOTE.sub("", str(label)).strip() if label is not None else ""
    if m := _QUARTER.match(text):
        year, q = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * q - 2, 1)
        return text, start, (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
    if m := _MONTH.match(text):
        fmt = "%b-%y" if len(m.group(2)) == 2 else "%b-%Y"
        try:
            start = datetime.strptime(f"{m.group(1).title()}-{m.group(2)}", fmt).date()
        except ValueError:
            return None
        return text, start, (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    return None


def _column_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class _Layout:
    header_row: int  # 0-based
    columns: dict[str, int]  # our name -> column index
    periods: list[tuple[int, str, date, date]]  # column index, label, start, end
    origin: tuple[int, int] = (0, 0)  # sheet row/column of the first cell the reader returns

    def address(self, j: int, r: int) -> str:
        """Excel address of column index j in the r-th row returned (1-based)."""
        return f"{_column_letter(self.origin[1] + j)}{self.origin[0] + r}"


def _layout(sheet: str, rows: Iterator[list], wanted: dict[str, str], origin=(0, 0)) -> _Layout:
    for i, row in enumerate(rows):
        if i >= HEADER_SEARCH_ROWS:
            break
        cells = [_text(c) for c in row]
        if not cells or cells[0] != "Region":
            continue
        index = {c: j for j, c in enumerate(cells) if c}
        missing = [label for label in wanted.values() if label not in index]
        if missing:
            raise FeedError(
                f"ONS job adverts: {sheet} header (row {origin[0] + i + 1}) lacks column(s) "
                f"{', '.join(repr(m) for m in missing)}: the workbook layout changed"
            )
        periods = [(j, *p) for j, c in enumerate(row) if (p := _period(c))]
        if not periods:
            raise FeedError(
                f"ONS job adverts: {sheet} header (row {origin[0] + i + 1}) has no period columns "
                "(expected 2017Q1... or Jan-17...)"
            )
        stray = [c for j, c in enumerate(cells) if c and j > periods[0][0] and j not in {p[0] for p in periods}]
        if stray:  # a period we cannot read would otherwise vanish without a word
            raise FeedError(
                f"ONS job adverts: {sheet} header (row {origin[0] + i + 1}) has column(s) "
                f"{', '.join(repr(c) for c in stray)} among the periods that are not a quarter or month"
            )
        return _Layout(i, {k: index[v] for k, v in wanted.items()}, periods, origin)
    raise FeedError(
        f"ONS job adverts: no header row starting 'Region' in the first {HEADER_SEARCH_ROWS} "
        f"rows of {sheet}: the workbook layout changed"
    )


def _cell(value, where: str, record: dict, quarantined: list[QuarantineRow]) -> tuple[int | None, str, str | None]:
    """(adverts, status, marker) for one count cell; a value that is neither a count nor a bracketed
    shorthand is quarantined and treated as missing."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)):
        if value >= 0 and float(value).is_integer():
            return int(value), "published", None
        quarantined.append(QuarantineRow(where, "adverts", f"not a non-negative whole count: {value!r}", record))
        return None, "invalid", None
    text = _text(value)
    if m := _SHORTHAND.match(text.lower()):
        return None, "suppressed", m.group(1)
    if text.replace(",", "").isdigit():  # a count stored as text
        return int(text.replace(",", "")), "published", None
    reason = (
        "empty cell (ONS marks missing values with a shorthand such as [x])"
        if not text
        else f"neither a count nor an ONS shorthand such as [x]: {text!r}"
    )
    quarantined.append(QuarantineRow(where, "adverts", reason, record))
    return None, "invalid", None


def _tidy(
    sheet: str,
    rows: Iterable[list],
    layout: _Layout,
    keep,
    geography,
    geography_field: str,
    frequency: str,
    release: str,
    quarantined: list[QuarantineRow],
) -> list[dict]:
    out = []
    cols = layout.columns
    seen: dict[tuple, int] = {}  # (area, SOC) -> the row that first gave it
    for r, row in enumerate(rows, start=layout.header_row + 2):  # 1-based row numbers, data after the header
        cells = list(row)

        def get_(name, cells=cells):
            return _text(cells[cols[name]]) if cols[name] < len(cells) else ""

        if not any(_text(c) for c in cells):
            continue
        if not keep(get_):
            continue
        record = {name: get_(name) for name in cols}
        soc = get_("soc")
        if soc.lower() == "unknown":
            soc = None
        elif not _SOC4.match(soc):
            quarantined.append(
                QuarantineRow(
                    f"{sheet}!{layout.address(cols['soc'], r)}",
                    "SOC 4 digit code",
                    f"not a SOC 2020 unit group or 'Unknown': {soc!r}",
                    record,
                )
            )
            continue
        geo = geography(get_)
        if isinstance(geo, str):  # a reason: the row is ours but its area cannot be identified
            quarantined.append(QuarantineRow(f"{sheet}!{layout.address(0, r)}", geography_field, geo, record))
            continue
        code, name, level = geo
        if (code, soc) in seen:  # two rows for one area and occupation: neither can be preferred silently
            quarantined.append(
                QuarantineRow(
                    f"{sheet}!{layout.address(0, r)}",
                    "SOC 4 digit code",
                    f"second row for {code} and SOC {soc or 'Unknown'} "
                    f"(first in row {layout.origin[0] + seen[(code, soc)]})",
                    record,
                )
            )
            continue
        seen[(code, soc)] = r
        for j, label, start, end in layout.periods:
            where = f"{sheet}!{layout.address(j, r)}"
            adverts, status, marker = _cell(
                cells[j] if j < len(cells) else None, where, {**record, "period": label}, quarantined
            )
            if status == "invalid":
                continue
            out.append(
                {
                    "sheet": sheet,
                    "frequency": frequency,
                    "geography_level": level,
                    "geography_code": code,
                    "geography_name": name,
                    "region": get_("region"),
                    "soc2020": soc,
                    "soc2020_title": get_("soc_title"),
                    "period_label": label,
                    "period_start": start,
                    "period_end": end,
                    "adverts": adverts,
                    "status": status,
                    "marker": marker,
                    "source_cell": where,
                    "release": release,
                }
            )
    return out


def _absent(sheet: str, chosen: set[str], found: set[str], field: str, quarantined: list[QuarantineRow]) -> None:
    """A chosen area with no row in the sheet: none at all fails the feed (the layout or the config is
    wrong); some missing are quarantined by name, so a gap in the tracker has a row saying why."""
    if chosen and not chosen & found:
        raise FeedError(
            f"ONS job adverts: {sheet} has no rows for any of the {len(chosen)} chosen areas "
            f"({', '.join(sorted(chosen)[:5])}...)"
        )
    for area in sorted(chosen - found):
        quarantined.append(QuarantineRow(f"{sheet}!{area}", field, f"no row for {area!r} in {sheet}", {field: area}))


def _origin(sheet) -> tuple[int, int]:
    # calamine starts a sheet at its first used cell, not at A1
    start = getattr(sheet, "start", None)
    return (int(start[0]), int(start[1])) if start else (0, 0)


def parse_workbook(
    content: bytes,
    la_codes: set[str],
    regions: set[str],
    release: str,
    quarantined: list[QuarantineRow],
    la_sheet: str = LA_SHEET,
    region_sheet: str = REGION_SHEET,
) -> pd.DataFrame:
    """Quarterly counts for the chosen local authorities (Table 5) and monthly counts for the chosen
    regions (Table 3), long: one row per area x SOC x period. Rows for other areas are skipped."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    names = book.sheet_names
    missing = [s for s in (la_sheet, region_sheet if regions else None) if s and s not in names]
    if missing:
        raise FeedError(
            f"ONS job adverts: workbook has no sheet {', '.join(repr(m) for m in missing)} (sheets: {', '.join(names)})"
        )
    records: list[dict] = []

    sheet = book.get_sheet_by_name(la_sheet)
    rows = sheet.iter_rows()
    layout = _layout(la_sheet, rows, LA_COLUMNS, _origin(sheet))

    def keep_la(get_):
        # ours by code; a row of our region with no usable code is ours too (quarantined below)
        return get_("la_code") in la_codes or (get_("region") in regions and not _GSS_LA.match(get_("la_code")))

    def la_geo(get_):
        code = get_("la_code")
        if not _GSS_LA.match(code):
            return f"local authority '{get_('la_name')}' has no GSS code ({code!r})"
        return code, get_("la_name"), "local authority"

    records += _tidy(la_sheet, rows, layout, keep_la, la_geo, LA_COLUMNS["la_code"], "quarterly", release, quarantined)
    _absent(la_sheet, la_codes, {r["geography_code"] for r in records}, LA_COLUMNS["la_code"], quarantined)

    if regions:
        sheet = book.get_sheet_by_name(region_sheet)
        rows = sheet.iter_rows()
        layout = _layout(region_sheet, rows, REGION_COLUMNS, _origin(sheet))

        def region_geo(get_):
            name = get_("region")
            code = REGION_CODES.get(name)
            return (code, name, "region") if code else f"region {name!r} has no known GSS code"

        records += _tidy(
            region_sheet,
            rows,
            layout,
            lambda g: g("region") in regions,
            region_geo,
            REGION_COLUMNS["region"],
            "monthly",
            release,
            quarantined,
        )
        _absent(
            region_sheet,
            regions,
            {r["region"] for r in records if r["sheet"] == region_sheet},
            REGION_COLUMNS["region"],
            quarantined,
        )
    book.close()
    return frame(records)


def frame(records: list[dict] | None = None) -> pd.DataFrame:
    """The raw table's typed shape (also for an empty table when the source is off)."""
    df = pd.DataFrame.from_records(records or [], columns=list(COLUMNS))
    return df.astype(COLUMNS)
