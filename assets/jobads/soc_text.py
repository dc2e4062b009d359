"""Job-title text for the SOC coder: split an advert title into its parts and normalise the words.

Advert titles carry more than the occupation: places ("Care Assistant Jobs Marlow"), pitches
("Chef de Partie  Award Winning Dining  Live In"), pay, shifts and agency phrasing. ONS coders read past
them; here that is done by splitting the title at the separators boards use (dash, bar, comma, brackets,
the double space Adzuna leaves where a dash was, "/" between alternatives) and by dropping words that
never name an occupation. Index titles and advert titles go through the same `words`, so they meet.
"""

import re

# Abbreviations advertisers use, written out as the coding index words them. Nursing registrations are
# the title when they stand alone ("RGN" is a registered nurse) and a requirement when another
# occupation follows ("RGN Home Manager"): the coder handles that, not this table.
ABBREVIATIONS = {
    "snr": "senior",
    "sr": "senior",
    "jnr": "junior",
    "jr": "junior",
    "asst": "assistant",
    "assist": "assistant",
    "mgr": "manager",
    "mngr": "manager",
    "coord": "coordinator",
    "coordinater": "coordinator",
    "eng": "engineer",
    "engr": "engineer",
    "tech": "technician",
    "techn": "technician",
    "admin": "administrator",
    "dept": "department",
    "hca": "healthcare assistant",
    "rgn": "registered nurse",
    "rn": "registered nurse",
    "rmn": "mental health nurse",
    "rnld": "learning disability nurse",
    "rnmh": "mental health nurse",
    "rsci": "children's nurse",
    "qsw": "social worker",
    "odp": "operating department practitioner",
    "hr": "human resources",
    "ops": "operations",
    "exec": "executive",
    "rep": "representative",
    "supv": "supervisor",
    "lgv": "hgv",
    "cons": "consultant",
    "paeds": "paediatric",
    "gen": "general",
    "sia": "security",
    "acct": "accountant",
    "accts": "accounts",
    "pa": "personal assistant",
    "md": "managing director",
    "gp": "general practitioner",
    "qa": "quality assurance",
    "f&b": "food and beverage",
    "fb": "food and beverage",
    "foh": "front of house",
    "boh": "back of house",
    "hgv1": "hgv",
    "hgv2": "hgv",
    "c+e": "",
    "cat": "",
    "class": "",
    "cscs": "",
    "pt": "",
    "ft": "",
    "&": "and",
    "2nd": "second",
    "mech": "mechanical",
    "elec": "electrical",
    "maint": "maintenance",
    "h&s": "health and safety",
    "dom": "domiciliary",
    "livein": "live in",
    "homecare": "home care",
    "forklift": "fork lift truck",
    "flt": "fork lift truck",
    "healthcare": "health care",
    "carers": "carer",
}
# British spellings the index uses; advert misspellings that the fuzzy speller cannot reach (short words),
# each seen in a development title (none from the held-out half: scripts/split_labelled_titles.py)
VARIANTS = {
    "advisor": "adviser",
    "advisors": "adviser",
    "organization": "organisation",
    "modeler": "modeller",
    "center": "centre",
    "program": "programme",
    "counselor": "counsellor",
    "mechancial": "mechanical",
    "registsered": "registered",
    "dietician": "dietitian",
    "paediatrics": "paediatric",
    "pediatric": "paediatric",
}
# Words that never name an occupation in an advert title: board and agency phrasing, shifts, contracts
NOISE_WORDS = {
    "job",
    "jobs",
    "vacancy",
    "vacancies",
    "required",
    "needed",
    "wanted",
    "urgent",
    "urgently",
    "immediate",
    "start",
    "hiring",
    "opportunity",
    "opportunities",
    "role",
    "roles",
    "position",
    "positions",
    "permanent",
    "perm",
    "temporary",
    "temp",
    "fixed",
    "parttime",
    "fulltime",
    "hybrid",
    "remote",
    "flexible",
    "pro",
    "rata",
    "hour",
    "hours",
    "hourly",
    "ph",
    "phr",
    "hpw",
    "hrs",
    "per",
    "annum",
    "up",
    "to",
    "plus",
    "bonus",
    "benefits",
    "package",
    "tips",
    "excellent",
    "great",
    "brilliant",
    "fantastic",
    "amazing",
    "stunning",
    "exciting",
    "various",
    "uk",
    "nationwide",
    "k",
    "x",
    "weekends",
    "weekend",
    "straight",
    "split",
    "cover",
    "secondment",
    "level",
    "month",
    "months",
    "week",
    "weeks",
    "employed",
    "multiple",
    "all",
    "levels",
    "free",
    "available",
    "now",
    "today",
    "the",
    "a",
    "an",
    "for",
    "with",
    "near",
    "nr",
    "within",
    "based",
    "our",
    "your",
    "join",
}
NOISE_PHRASES = re.compile(
    r"\b(?:part[\s-]?time|full[\s-]?time|fixed[\s-]?term|term[\s-]?time(?: only)?|zero[\s-]?hours?|"
    r"immediate start|live[\s-]?in(?= (?:available|accommodation|option|package|bonus))|"
    r"up to|per hour|per annum|p\s?/\s?h|\d+\s*(?:posts?|roles?|vacanc(?:y|ies)|hours?|hrs?|hpw)|"
    r"band\s*\d+[a-z]?|grade\s*\w+|level\s*\d+|ref\w*\s*:?\s*\w*\d\w*|"
    r"x\s?\d+|\d+\s?x|\d+\s*(?:month|week)s?)\b"
)
MONEY = re.compile(r"£\s*[\d,.*]+\s*k?(?:\s*(?:-|to)\s*£?\s*[\d,.*]+\s*k?)?|\*{2,}\s*k?\b|\b\d[\d,.]*\s*k\b")
BRACKETS = re.compile(r"[\(\[\{]([^\)\]\}]*)[\)\]\}]")
# Separators boards put between the occupation and the rest; "/" separates alternatives
SEPARATORS = re.compile(r"\s+(?:-|–|—|\||@|at|in the|based in)\s+|\s*[|,;:–—]\s*|\s{2,}|\s+-\s*|\s*-\s+")
ALTERNATIVES = re.compile(r"\s*/\s*|\s+or\s+|\s+and/or\s+")
NON_WORD = re.compile(r"[^a-z0-9+'&/\- ]+")
IN_PHRASE = re.compile(
    r"^((?:locum |senior |clinical |trust grade |specialty )*(?:consultant|fellow|specialist|"
    r"lecturer|registrar|resident|practitioner|therapist|nurse|surgeon|physician|doctor))"
    r"\s+in\s+(.+)$"
)


def singular(token: str) -> str:
    if len(token) > 3 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "'s")):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    """Lower-case, expanded, singular words of one phrase (no splitting into segments)."""
    t = NON_WORD.sub(" ", text.lower().replace("’", "'").replace("'s ", "s "))
    t = t.replace("/", " ").replace("-", " ")
    m = IN_PHRASE.match(t.strip())
    if m:  # "consultant in paediatric critical care": the occupation is before "in"; the specialty stays in
        t = m.group(1)  # the raw title, where the coder reads it as industry context (medical)
    out = []
    for tok in t.split():
        tok = VARIANTS.get(tok, tok)
        tok = ABBREVIATIONS.get(tok, tok)
        for w in tok.split():
            w = VARIANTS.get(singular(w), singular(w)) if w not in ("s", "'s") else ""
            if not w or w.isdigit() or w in NOISE_WORDS:
                continue
            out.append(w)
    return out


def _clean(title: str) -> str:
    t = (title or "").strip().lower().replace("’", "'")
    t = MONEY.sub(" ", t)
    return NOISE_PHRASES.sub(" ", t)


def segments(title: str) -> list[list[str]]:
    """The title's phrases in reading order, each as its words: the main part first, then what followed
    a separator, then bracketed text. An alternative ("Care Worker / Care Assistant") is its own phrase,
    after the whole; a left alternative with no occupation noun borrows the right one's
    ("Electrical / ICA Engineer" -> "electrical engineer")."""
    t = _clean(title)
    bracketed = [b for b in BRACKETS.findall(t)]
    t = BRACKETS.sub(" , ", t)
    out: list[list[str]] = []
    for part in [*SEPARATORS.split(t), *bracketed]:
        if not part or not part.strip():
            continue
        whole = words(part)
        alts = [words(a) for a in ALTERNATIVES.split(part) if a.strip()]
        alts = [a for a in alts if a]
        if len(alts) > 1:  # ONS codes the first-named job: alternatives before the whole phrase
            first, last = alts[0], alts[-1]
            if len(first) == 1 and len(last) > 1 and first != last:
                out.append(first + last[-1:])  # "electrical" + "engineer"
            out.extend(alts[:1])
            out.append(whole)
            out.extend(alts[1:])
        elif whole:
            out.append(whole)
    seen, unique = set(), []
    for s in out:
        key = " ".join(s)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def normalise(title: str) -> str:
    """The main phrase of a title as one normalised string (what the index lookup sees first)."""
    parts = segments(title)
    return " ".join(parts[0]) if parts else ""
