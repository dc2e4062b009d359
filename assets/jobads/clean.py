"""Turn feed records into analysable adverts: validate (bad records to the quarantine with the field
and reason), key, de-duplicate, SOC-code, parse pay, place, flag work patterns, scrub personal data."""

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

from assets.jobads.places import PlaceResolver
from assets.jobads.salary import HOURS_PER_YEAR, parse_salary
from assets.jobads.soc_coder import SocCoder
from assets.jobads.text import broken_encoding, scrub, work_pattern
from assets.platform.warehouse import QuarantineRow

TEXT_FIELDS = ["title", "employer", "location", "salary_text", "description", "job_area"]
# a minus sign before an amount at the start or after "(" / ":" (a range "20,000 - 25,000" is not one)
NEGATIVE_PAY = re.compile(r"(?:^|[(:])\s*[-\u2212]\s*£?\s*\d")


@dataclass
class Cleaned:
    adverts: pd.DataFrame
    quarantined: list[QuarantineRow]
    duplicates_collapsed: int


# Feeds queried for the last day's adverts (Adzuna max_days_old=1): an advert posted more than this many
# days before it was fetched is not new (one day's window plus two of indexing and time-zone slack)
FEED_WINDOW_DAYS = {"adzuna": 3}


def parse_date(value) -> tuple[object, bool]:
    """(date or None, ok). Empty is fine (None, True); text that is not a date is not."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return None, True
    text = str(value).strip()
    for kwargs in ({"format": "ISO8601"}, {"format": "%d/%m/%Y"}, {"format": "%d %B %Y"}, {"format": "%d %b %Y"}):
        try:
            return pd.to_datetime(text, **kwargs).date(), True
        except (ValueError, TypeError):
            continue
    return None, False


def advert_key(rec: dict) -> str:
    """Stable across days: the source's own id, else a hash of normalised employer, title, place, pay."""
    if rec.get("source_id"):
        return f"{rec['source']}:{rec['source_id']}"
    norm = "|".join(
        re.sub(r"\W+", " ", str(rec.get(f) or "").lower()).strip()
        for f in ("employer", "title", "location", "salary_text")
    )
    return f"{rec['source']}:h{hashlib.sha1(norm.encode()).hexdigest()[:16]}"


def _validate(i: int, rec: dict) -> QuarantineRow | None:
    rid = f"{rec.get('source_file') or rec.get('source')} record {i + 1}" + (
        f" id={rec['source_id']}" if rec.get("source_id") else ""
    )
    if rec.get("parse_error"):
        return QuarantineRow(rid, "record", str(rec["parse_error"]), rec)
    if not str(rec.get("title") or "").strip():
        return QuarantineRow(rid, "title", "no title", rec)
    for f in TEXT_FIELDS:
        if broken_encoding(rec.get(f)):
            return QuarantineRow(rid, f, "broken encoding (replacement or mojibake characters)", rec)
    for f in ("posted_date", "closing_date", "seen_date"):
        if not parse_date(rec.get(f))[1]:
            return QuarantineRow(rid, f, f"unparseable date {rec.get(f)!r}", rec)
    posted, seen = parse_date(rec.get("posted_date"))[0], parse_date(rec.get("seen_date"))[0]
    if posted and seen and (posted - seen).days > 31:  # an advert cannot be posted after it was seen
        return QuarantineRow(rid, "posted_date", f"posting date {posted} is after the day it was seen ({seen})", rec)
    window = FEED_WINDOW_DAYS.get(str(rec.get("source") or ""))
    if window is not None and posted and seen and (seen - posted).days > window:
        # the API asked for the last day's adverts and answered with old ones: never stored as new
        return QuarantineRow(
            rid,
            "posted_date",
            f"posted {posted}, {(seen - posted).days} days before the day it was fetched ({seen}): older than "
            f"the feed's {window}-day window, not a new advert",
            rec,
        )
    for f in ("salary_min", "salary_max"):
        if (_number(rec.get(f)) or 0) < 0:
            return QuarantineRow(rid, f, f"negative salary {rec.get(f)!r}", rec)
    if NEGATIVE_PAY.search(str(rec.get("salary_text") or "")):
        return QuarantineRow(rid, "salary_text", f"negative salary {rec.get('salary_text')!r}", rec)
    return None


def _number(value) -> float | None:
    try:
        v = float(value)
        return None if pd.isna(v) else v
    except (TypeError, ValueError):
        return None


def clean(records: pd.DataFrame, coder: SocCoder, places: PlaceResolver) -> Cleaned:
    quarantined, rows, seen = [], [], set()
    duplicates = 0
    records = records.astype(object).where(records.notna(), None)
    if "title" in records:
        coder.prefetch([str(t) for t in records["title"] if t])  # the model scores the day's titles in one batch
    for i, rec in enumerate(records.to_dict("records")):
        bad = _validate(i, rec)
        if bad:
            quarantined.append(bad)
            continue
        key = advert_key(rec)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        # the employer and the board's category are the industry an ONS coder would read beside the title
        coded = coder.code(
            rec["title"],
            str(rec.get("employer_type") or ""),
            employer=str(rec.get("employer") or ""),
            category=str(rec.get("job_area") or ""),
            description=str(rec.get("description") or ""),
        )
        lo, hi = _number(rec.get("salary_min")), _number(rec.get("salary_max"))
        if lo or hi:
            mid = sum(v for v in (lo, hi) if v) / len([v for v in (lo, hi) if v])
            pay = {
                "salary_status": "parsed",
                "pay_period": "year",
                "pay_min_annual": lo,
                "pay_max_annual": hi,
                "pay_mid_annual": round(mid),
                "pay_mid_hourly": round(mid / HOURS_PER_YEAR, 2),
                "pay_pro_rata": False,
                "pay_assumption": "annual figures supplied by the feed",
                "pay_outlier": not (10_000 <= mid <= 250_000),
            }
        else:
            p = parse_salary(rec.get("salary_text"))
            pay = {
                "salary_status": p.status,
                "pay_period": p.period,
                "pay_min_annual": p.min_annual,
                "pay_max_annual": p.max_annual,
                "pay_mid_annual": p.mid_annual,
                "pay_mid_hourly": p.mid_hourly,
                "pay_pro_rata": p.pro_rata,
                "pay_assumption": p.assumption,
                "pay_outlier": p.outlier,
            }
        place = places.resolve(
            rec.get("location_area") or "",
            rec.get("location") or "",
            lat=_number(rec.get("latitude")),
            lon=_number(rec.get("longitude")),
        )
        flags = work_pattern(
            rec.get("work_pattern"), rec.get("contract_type"), rec.get("title"), rec.get("description")
        )
        description, n_desc = scrub(rec.get("description"))
        title, n_title = scrub(rec.get("title"))
        rows.append(
            {
                "advert_key": key,
                "seen_date": parse_date(rec.get("seen_date"))[0],
                "source": rec["source"],
                "source_id": rec.get("source_id"),
                "title": title,
                "employer": rec.get("employer"),
                "employer_type": rec.get("employer_type"),
                "job_area": rec.get("job_area"),
                "location": rec.get("location"),
                "la_code": place.la_code,
                "lsoa21cd": place.lsoa21cd,
                "in_emcca": place.in_emcca,
                "place_method": place.method,
                "soc2020": coded.soc2020,
                "soc2020_title": coded.soc2020_title,
                "soc_confidence": coded.confidence,
                "soc_method": coded.method,
                "soc_needs_review": coded.needs_review,
                "salary_text": rec.get("salary_text"),
                **pay,
                **flags,
                "contract_type": rec.get("contract_type"),
                "work_pattern": rec.get("work_pattern"),
                "description": description,
                "pii_removed": n_desc + n_title,
                "posted_date": parse_date(rec.get("posted_date"))[0],
                "closing_date": parse_date(rec.get("closing_date"))[0],
                "source_file": rec.get("source_file"),
            }
        )
    return Cleaned(
        adverts=pd.DataFrame(rows, columns=ADVERT_COLUMNS), quarantined=quarantined, duplicates_collapsed=duplicates
    )


# raw.job_ads column types (explicit: a column that is empty in a batch must still have its type)
ADVERT_TYPES = {
    "advert_key": "varchar",
    "seen_date": "date",
    "source": "varchar",
    "source_id": "varchar",
    "title": "varchar",
    "employer": "varchar",
    "employer_type": "varchar",
    "job_area": "varchar",
    "location": "varchar",
    "la_code": "varchar",
    "lsoa21cd": "varchar",
    "in_emcca": "boolean",
    "place_method": "varchar",
    "soc2020": "varchar",
    "soc2020_title": "varchar",
    "soc_confidence": "double",
    "soc_method": "varchar",
    "soc_needs_review": "boolean",
    "salary_text": "varchar",
    "salary_status": "varchar",
    "pay_period": "varchar",
    "pay_min_annual": "double",
    "pay_max_annual": "double",
    "pay_mid_annual": "double",
    "pay_mid_hourly": "double",
    "pay_pro_rata": "boolean",
    "pay_assumption": "varchar",
    "pay_outlier": "boolean",
    "part_time": "boolean",
    "full_time": "boolean",
    "flexible": "boolean",
    "temporary": "boolean",
    "apprenticeship": "boolean",
    "contract_type": "varchar",
    "work_pattern": "varchar",
    "description": "varchar",
    "pii_removed": "integer",
    "posted_date": "date",
    "closing_date": "date",
    "source_file": "varchar",
}
ADVERT_COLUMNS = list(ADVERT_TYPES)
