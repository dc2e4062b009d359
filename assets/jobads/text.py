"""Advert text helpers: work-pattern flags, personal-data scrubbing, encoding checks."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: +44 / 0 followed by 9-10 digits with optional spaces, dashes or brackets
PHONE = re.compile(r"(?:(?:\+44\s?\(?0?\)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4})")
MOJIBAKE = re.compile(r"\ufffd|Ã[\x80-\xbf]|â€|Â[\x80-\xbf\xa0]")

PATTERNS = {
    "part_time": re.compile(r"part[\s-]?time|\bpart_time\b|job share|sessional|hours? per week: ?[1-2]\d\b", re.I),
    "full_time": re.compile(r"full[\s-]?time|\bfull_time\b", re.I),
    "flexible": re.compile(
        r"flexi|flexible|hybrid|compressed hours|term[\s-]time|job share|variable|"
        r"sessional|annuali[sz]ed hours|home[\s-]based|remote",
        re.I,
    ),
    "temporary": re.compile(
        r"temporary|\btemp\b|fixed[\s-]?term|maternity|secondment|interim|\bbank\b|casual|"
        r"sessional|freelance|\bcontract\b|locum|seasonal|zero[\s-]hours?",
        re.I,
    ),
    "apprenticeship": re.compile(r"apprentic", re.I),
}


def work_pattern(*texts: str | None) -> dict[str, bool]:
    text = " | ".join(t for t in texts if t)
    return {name: bool(rx.search(text)) for name, rx in PATTERNS.items()}


def scrub(text: str | None) -> tuple[str | None, int]:
    """Remove e-mail addresses and phone numbers; returns the text and how many were removed."""
    if not text:
        return text, 0
    text, n_email = EMAIL.subn("[email removed]", text)
    text, n_phone = PHONE.subn("[phone removed]", text)
    return text, n_email + n_phone


def broken_encoding(text: str | None) -> bool:
    return isinstance(text, str) and bool(MOJIBAKE.search(text))
