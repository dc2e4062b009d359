"""Job-advert feeds, each turned into records of one common shape (COLUMNS)."""

import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import requests

from assets.platform.http import FeedError, get, make_session
from assets.platform.responses import json_doc

COLUMNS = [
    "source",
    "source_id",
    "title",
    "employer",
    "employer_type",
    "job_area",
    "location",
    "location_area",
    "latitude",
    "longitude",
    "salary_text",
    "salary_min",
    "salary_max",
    "contract_type",
    "work_pattern",
    "description",
    "posted_date",
    "closing_date",
    "seen_date",
    "source_file",
    "parse_error",  # a line or file the reader could not parse: quarantined with this reason
]
DROP_SUFFIXES = {".csv", ".json", ".jsonl", ".ndjson"}
# column names accepted in dropped files (Lightcast-style exports, employer portals), first match wins
ALIASES = {
    "source_id": ["source_id", "id", "job_id", "posting_id", "reference", "job_reference"],
    "title": ["title", "job_title", "title_raw", "position"],
    "employer": ["employer", "company", "company_name", "organization", "organisation"],
    "employer_type": ["employer_type", "sector"],
    "job_area": ["job_area", "category", "occupation_group", "department"],
    "location": ["location", "location_raw", "city", "town", "address"],
    "location_area": ["location_area", "district", "local_authority", "county"],
    "latitude": ["latitude", "lat"],
    "longitude": ["longitude", "lon", "lng"],
    "salary_text": ["salary_text", "salary", "salary_raw", "pay"],
    "salary_min": ["salary_min", "min_salary"],
    "salary_max": ["salary_max", "max_salary"],
    "contract_type": ["contract_type", "employment_type", "contract"],
    "work_pattern": ["work_pattern", "contract_time", "hours", "working_pattern"],
    "description": ["description", "body", "full_description", "job_description"],
    "posted_date": ["posted_date", "posted", "created", "date_posted", "posting_date"],
    "closing_date": ["closing_date", "expires", "expiry_date", "closing"],
}


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS).astype(object).where(lambda f: f.notna(), None)


def read_embedded_notts(path: Path) -> pd.DataFrame:
    """The Nottinghamshire public-sector vacancies (no descriptions; seen on date_checked)."""
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = [
        {
            "source": "notts_public_sector",
            "source_id": None,
            "title": r.job_title,
            "employer": r.organization,
            "employer_type": r.employer_type,
            "job_area": r.job_area,
            "location": r.location,
            "location_area": r.location_area,
            "salary_text": r.salary,
            "contract_type": r.contract_type,
            "work_pattern": r.work_pattern,
            "posted_date": None,
            "closing_date": r.closing_date or None,
            "seen_date": r.date_checked,
            "source_file": path.name,
        }
        for r in text.itertuples()
    ]
    return _frame(rows)


def _pick(record: dict, names: list[str]):
    lower = {k.lower().strip(): v for k, v in record.items()}
    for name in names:
        if name in lower and lower[name] not in (None, ""):
            value = lower[name]
            return value.get("display_name") if isinstance(value, dict) else value
    return None


def drop_file_seen_date(path: Path) -> str:
    """The day a dropped file belongs to: a YYYY-MM-DD in its name, else its modification date (UTC)."""
    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    if m:
        return m.group(1)
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()


def read_drop_file(path: Path) -> pd.DataFrame:
    """A CSV / JSON (list or {"results": [...]}) / JSONL export, one record per advert. Nothing is lost:
    undecodable bytes are kept as U+FFFD (the record is quarantined for its encoding), a JSONL line that is
    not JSON becomes a record carrying `parse_error` (quarantined with its line number), and a file that
    cannot be parsed at all becomes one such record. An empty file has no records."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    suffix = path.suffix.lower()
    seen = drop_file_seen_date(path)
    base = {"source": "file_drop", "seen_date": seen, "source_file": path.name}
    if not raw.strip():
        return _frame([])
    rows = []
    try:
        if suffix == ".csv":
            import io

            records = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False).to_dict("records")
        elif suffix == ".json":
            doc = json.loads(raw)
            if isinstance(doc, dict) and not ({"results", "jobs"} & set(doc)):
                # an object with neither list is not an export we know: quarantined, never read as no adverts
                raise ValueError(f"a JSON object without a 'results' or 'jobs' list (keys: {', '.join(list(doc)[:5])})")
            records = doc.get("results", doc.get("jobs")) if isinstance(doc, dict) else doc
            if not isinstance(records, list):
                raise ValueError('expected a list of adverts or {"results": [...]}')
        else:
            records = []
            for n, line in enumerate(raw.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    records.append(rec if isinstance(rec, dict) else {"_parse_error": f"line {n}: not an object"})
                except ValueError as exc:
                    records.append({"_parse_error": f"line {n}: invalid JSON ({exc.msg} at column {exc.colno})"})
    except (ValueError, pd.errors.ParserError) as exc:
        detail = f"{exc.msg} at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else exc
        return _frame([{**base, "parse_error": f"cannot parse the {suffix} file: {detail}"}])
    for rec in records:
        if not isinstance(rec, dict):
            rows.append({**base, "parse_error": "record is not an object"})
            continue
        row = {col: _pick(rec, names) for col, names in ALIASES.items()}
        rows.append({**row, **base, "parse_error": rec.get("_parse_error")})
    return _frame(rows)


class RateLimitReached(Exception):
    pass


@dataclass
class RateLimiter:
    """Adzuna's default limits: 25 calls a minute (waits) and 250 a day (stops). The day's count is
    kept in a small JSON file so separate runs on one day share it."""

    per_minute: int = 25
    per_day: int = 250
    state_file: Path | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _recent: deque = field(default_factory=deque)

    def _day_count(self) -> tuple[str, int]:
        today = date.today().isoformat()
        if self.state_file and self.state_file.exists():
            state = json.loads(self.state_file.read_text() or "{}")
            return today, int(state.get(today, 0))
        return today, 0

    def acquire(self) -> None:
        today, used = self._day_count()
        if used >= self.per_day:
            raise RateLimitReached(f"daily limit of {self.per_day} calls reached")
        now = self.clock()
        while self._recent and now - self._recent[0] >= 60:
            self._recent.popleft()
        if len(self._recent) >= self.per_minute:
            self.sleep(60 - (now - self._recent[0]))
            self._recent.popleft()
        self._recent.append(self.clock())
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps({today: used + 1}))


class AdzunaClient:
    """Adzuna job search API: GET /v1/api/jobs/gb/search/{page}. Keys from the environment only."""

    def __init__(
        self,
        app_id: str,
        app_key: str,
        base_url: str = "https://api.adzuna.com",
        limiter: RateLimiter | None = None,
        session: requests.Session | None = None,
        results_per_page: int = 50,
    ):
        if not app_id or not app_key:
            raise FeedError("Adzuna: ADZUNA_APP_ID and ADZUNA_APP_KEY must be set to use the live feed")
        self.app_id, self.app_key = app_id, app_key
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter or RateLimiter()
        self.session = session or make_session()
        self.results_per_page = results_per_page
        self.stopped_reason: str | None = None
        self.warnings: list[str] = []

    def search(
        self, where: str, distance_km: int = 10, max_days_old: int = 1, max_pages: int = 40, max_per_day: int = 1000
    ) -> list[dict]:
        """One place's adverts of the last `max_days_old` days, paged. Paging stops at what a day can hold
        (`max_per_day` adverts: EMCCA's busiest place posts a few hundred a day): a `count` far above it
        means the API ignored the window, and is reported in `warnings` instead of paged to the end."""
        results: list[dict] = []
        max_pages = min(max_pages, max(1, -(-max_per_day // self.results_per_page)))
        for page in range(1, max_pages + 1):
            try:
                self.limiter.acquire()
            except RateLimitReached as exc:
                self.stopped_reason = str(exc)
                break
            params = {
                "app_id": self.app_id,
                "app_key": self.app_key,
                "results_per_page": self.results_per_page,
                "where": where,
                "distance": distance_km,
                "max_days_old": max_days_old,
                "content-type": "application/json",
            }
            resp = get(
                self.session, f"Adzuna ({where})", f"{self.base_url}/v1/api/jobs/gb/search/{page}", params=params
            )
            doc = json_doc(f"Adzuna ({where}) page {page}", resp)
            batch = doc.get("results") if isinstance(doc, dict) else None
            if batch is None:
                raise FeedError(f"Adzuna ({where}): page {page} has no 'results' field")
            results.extend(batch)
            count = int(doc.get("count", 0) or 0)
            if page == 1 and count > max_per_day:
                self.warnings.append(
                    f"Adzuna ({where}): {count:,} adverts for a {max_days_old}-day window, more than a day holds "
                    f"({max_per_day:,}): read {max_pages} page(s) only; adverts older than the window are quarantined"
                )
            if not batch or page * self.results_per_page >= count:
                break
        return results

    @staticmethod
    def to_frame(results: list[dict], seen_date: str) -> pd.DataFrame:
        rows = []
        for r in results:
            predicted = str(r.get("salary_is_predicted", "0")) == "1"
            rows.append(
                {
                    "source": "adzuna",
                    "source_id": str(r.get("id")) if r.get("id") is not None else None,
                    "title": r.get("title"),
                    "employer": (r.get("company") or {}).get("display_name"),
                    "job_area": (r.get("category") or {}).get("label"),
                    "location": (r.get("location") or {}).get("display_name"),
                    "location_area": ", ".join((r.get("location") or {}).get("area") or []),
                    "latitude": r.get("latitude"),
                    "longitude": r.get("longitude"),
                    # Adzuna's predicted salaries are model output, not advertised pay: not used as pay
                    "salary_min": None if predicted else r.get("salary_min"),
                    "salary_max": None if predicted else r.get("salary_max"),
                    "contract_type": r.get("contract_type"),
                    "work_pattern": r.get("contract_time"),
                    "description": r.get("description"),
                    "posted_date": r.get("created"),
                    "seen_date": seen_date,
                }
            )
        return _frame(rows)
