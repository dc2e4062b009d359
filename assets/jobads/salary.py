"""Parse advertised pay ("£26,403 - £28,142", "£12.50 per hour", "£450 per day", "up to £30k",
"competitive") into annual and hourly figures, recording every assumption made."""

import re
from dataclasses import dataclass

# Full-time year used to move between hourly and annual pay: 37.5 hours x 52.143 weeks (ONS ASHE
# reports paid hours; 37.5 is the common UK public-sector full-time week).
HOURS_PER_YEAR = 37.5 * 52.143
DAYS_PER_YEAR = 5 * 52.143
PER_YEAR = {"year": 1.0, "month": 12.0, "week": 52.143, "day": DAYS_PER_YEAR, "hour": HOURS_PER_YEAR}
# Outside these the figure is kept but flagged for a person to look at.
ANNUAL_PLAUSIBLE = (10_000.0, 250_000.0)
HOURLY_PLAUSIBLE = (6.0, 200.0)

AMOUNT = re.compile(
    r"£\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k\b)?|\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k\b)", re.IGNORECASE
)
PERIODS = [
    ("hour", re.compile(r"per\s*hour|p\.?\s*/?\s*h(?:our|r)?\b|hourly|an hour|/\s*h(?:ou)?r", re.I)),
    ("day", re.compile(r"per\s*day|daily|a day|p\.?\s*/?\s*d\b|/\s*day", re.I)),
    ("week", re.compile(r"per\s*week|weekly|p\.?\s*/?\s*w\b|/\s*week", re.I)),
    ("month", re.compile(r"per\s*(?:calendar\s*)?month|monthly|p\.?\s*/?\s*m\b|/\s*month", re.I)),
    ("year", re.compile(r"per\s*(?:annum|year)|p\.?\s*/?\s*a\b|annual|a year|/\s*(?:year|annum)|\bpa\b", re.I)),
]
NOT_STATED = re.compile(r"competitive|negotiable|\bdoe\b|depending on experience|tbc|attractive", re.I)


@dataclass(frozen=True)
class Pay:
    text: str
    status: str  # parsed | not stated | missing | unparsed
    period: str | None = None
    min_annual: float | None = None
    max_annual: float | None = None
    mid_annual: float | None = None
    mid_hourly: float | None = None
    pro_rata: bool = False
    assumption: str | None = None
    outlier: bool = False


def _amounts(text: str) -> list[float]:
    values = []
    for m in AMOUNT.finditer(text):
        number = m.group(1) or m.group(3)
        value = float(number.replace(",", ""))
        if m.group(2) or m.group(4):
            value *= 1000
        values.append(value)
    return values


def parse_salary(text: str | None) -> Pay:
    raw = (text or "").strip()
    if not raw:
        return Pay(text=raw, status="missing")
    main = raw.split("+")[0]  # "+ £2,000 market supplement": supplements are not base pay
    if not _amounts(main):
        main = raw
    head = re.split(r"\(", main)[0] if _amounts(re.split(r"\(", main)[0]) else main
    amounts = _amounts(head)
    if not amounts:
        return Pay(text=raw, status="not stated" if NOT_STATED.search(raw) else "unparsed")
    period = next((name for name, rx in PERIODS if rx.search(head)), None)
    assumptions = []
    if period is None:
        top = max(amounts)
        period = "hour" if top < 100 else ("day" if top < 1000 else "year")
        assumptions.append(f"period inferred as per {period} from the amount")
    lo, hi = min(amounts[:2]), max(amounts[:2])
    if re.search(r"\bup to\b", head, re.I):
        lo = None
    elif re.search(r"\bfrom\b|\bstarting\b", head, re.I) and len(amounts) == 1:
        hi = None
    factor = PER_YEAR[period]
    if period != "year":
        basis = {"hour": " (37.5 h/week x 52.143 weeks)", "day": " (5 days/week x 52.143 weeks)"}.get(period, "")
        assumptions.append(f"annualised at {factor:g} {period}s a year{basis}")
    min_a = lo * factor if lo is not None else None
    max_a = hi * factor if hi is not None else None
    present = [v for v in (min_a, max_a) if v is not None]
    mid = sum(present) / len(present)
    hourly = mid / HOURS_PER_YEAR
    pro_rata = bool(re.search(r"pro[\s-]?rata", raw, re.I))
    if pro_rata:
        assumptions.append("pro rata: figures are full-time equivalent")
    outlier = not (ANNUAL_PLAUSIBLE[0] <= mid <= ANNUAL_PLAUSIBLE[1]) or not (
        HOURLY_PLAUSIBLE[0] <= hourly <= HOURLY_PLAUSIBLE[1]
    )
    return Pay(
        text=raw,
        status="parsed",
        period=period,
        min_annual=_r(min_a),
        max_annual=_r(max_a),
        mid_annual=_r(mid),
        mid_hourly=round(hourly, 2),
        pro_rata=pro_rata,
        assumption="; ".join(assumptions) or None,
        outlier=outlier,
    )


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 0)
