"""Careers advisers' moves: the jobs a National Careers Service profile's "career path and progression"
text names ("With experience, you could become a team supervisor, estimator or contracts manager"),
coded to SOC 2020 with the project's own title coder. They are the escalator ranker's positive labels.

How a text is read:
  1. Split into sentences, then find each move phrase: a verb of moving ("become", "move into",
     "progress to", "train as", "qualify as", ...) followed by what it names, up to the clause's end.
  2. Split that list at commas, "or" and "and" ("a team supervisor, estimator or contracts manager").
  3. Strip articles and role words ("a supervisory role" -> "supervisory", "management work" ->
     "management"). Bare seniority words ("supervisor", "a supervisory role", "team leader", "management")
     name the origin's own line of work: they are coded with the origin profile's title as context
     ("supervisor" + "kitchen assistant") so the coder's industry reading settles them.
  4. Code the job with the coder (the origin title as industry context). A move is kept when the coder
     read it in one of the CONFIDENT ways (an index title found and settled) and it lands in another unit
     group than the origin's. The calibrated confidence is not used: keeping only unflagged codes (279
     moves, not 346) made the labels more precise on the hand check (90% vs 86%) but the ranker trained on
     them named fewer held-out moves, even scored against those cleaner labels (session 17, README).

The text is left as written: nothing is added from memory, and profiles the file leaves out stay out.
"""

import re

import pandas as pd

from assets.jobads.soc_coder import SocCoder

MOVE = re.compile(
    r"\b(?:become|becoming|move(?:d)? (?:in)?to|moving (?:in)?to|progress(?:ing)? (?:in)?to|promot(?:ed|ion) to|"
    r"train(?:ing)? (?:as|to be|to become|to work as)|qualify(?:ing)? as|work(?:ing)? as|go(?:ing)? on to be|"
    r"step(?:ping)? up to|apply(?:ing)? (?:for|to become|to be)|(?:take|taking) on (?:a|the) role of|"
    r"into a role as|specialis(?:e|ing) (?:as|in)|lead to|retrain as|transfer to|join(?:ing)? as)\s+(.*)",
    re.IGNORECASE,
)
# where the named list ends: a clause that says how or where, not what
LIST_END = re.compile(
    r"\s*(?:\bwith\b|\bafter\b|\bonce\b|\bif\b|\bby\b|\bthrough\b|\bwhere\b|\bwhich\b|\bwho\b|\bbefore\b|"
    r"\bwithin\b|\bfor (?:a|an|the|example|instance)\b|\bin (?:a|an|the|your|their)\b|\bat (?:a|an|the)\b|"
    r"\bsupporting\b|\bmanaging\b|\bworking\b|\bresponsible\b|\bso\b|\bbut\b|\bthen\b|;|:|\(|\.|"
    # a comma before what the job involves ("a maintenance engineer, servicing the production line")
    r",\s+(?:servicing|helping|leading|looking|dealing|running|using|making|providing|taking|including|"
    r"covering|advising|teaching|checking|repairing|installing|designing|developing|overseeing|planning|"
    r"organising|carrying|maintaining)\b).*",
    re.IGNORECASE,
)
SPLIT = re.compile(r",\s*(?:or|and)?\s*|\s+or\s+|\s+and\s+(?=(?:a|an)\s)|\s+and\s+", re.IGNORECASE)
ARTICLE = re.compile(r"^(?:a|an|the|one|more|other|further|related|similar|specialist\s+areas? like)\s+", re.I)
# what comes before the job inside a phrase: "a senior role like site supervisor", "training job as a
# college lecturer", "become an events manager", "transfer to a driver training programme"
LEAD_IN = re.compile(
    r"^.*?\b(?:like|such as|as an?|become an?|work as an?|transfer to an?|(?:move|progress) up to)\s+", re.IGNORECASE
)
ROLE_WORDS = re.compile(
    r"\s+(?:roles?|posts?|positions?|jobs?|work|careers?|levels?|grades?|duties|opportunities)$", re.IGNORECASE
)
# words that name a level in the origin's own line of work, not a job of their own
SENIORITY = {
    "supervisory": "supervisor",
    "supervisor": "supervisor",
    "team supervisor": "supervisor",
    "team leader": "team leader",
    "management": "manager",
    "manager": "manager",
    "managerial": "manager",
    "senior": "senior",
    "team leading": "team leader",
    "leadership": "manager",
}
NOT_A_JOB = re.compile(
    r"self-employ|freelance|own business|your own|consultan(?:cy|t)$|teaching$|training$|research$|trainee|"
    r"programme|course|development$|professionals$|"
    r"overseas|abroad|^work$|^senior$|^experienced$|^qualified$|^chartered$|^specialist$|^further",
    re.IGNORECASE,
)
MAX_WORDS = 6


def clean_phrase(part: str) -> str:
    """'a senior role like site supervisor' -> 'site supervisor'; 'general management' -> 'management'."""
    phrase = ARTICLE.sub("", part.strip(" ,.'\"")).strip()
    phrase = LEAD_IN.sub("", phrase)
    phrase = ROLE_WORDS.sub("", ARTICLE.sub("", phrase).strip()).strip().lower()
    # "general management", "construction management": management of the origin's line of work
    if phrase.endswith(" management") and len(phrase.split()) <= 3:
        return "management"
    return phrase


def named_jobs(text: str) -> list[str]:
    """The job phrases a career-path text names after a verb of moving, in order, de-duplicated."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text or ""):
        rest = sentence
        while (m := MOVE.search(rest)) is not None:
            tail = m.group(1)
            listed = LIST_END.sub("", tail)
            for part in SPLIT.split(listed):
                phrase = clean_phrase(part)
                if phrase and len(phrase.split()) <= MAX_WORDS and not NOT_A_JOB.search(phrase):
                    out.append(phrase)
            rest = tail
    return list(dict.fromkeys(out))


# coder methods sure enough for a label: an index title found and settled (not fuzzy overlap, not a guess
# among several codes, not an index title coded only in another sense: `*_restricted`); their
# development-half agreement is 0.68-0.98 (soc_coder.CONFIDENCE)
# ("professional" entries are left out: they read a bare "engineer" as a chartered mechanical engineer)
CONFIDENT = frozenset(
    {"exact", "exact_context", "exact_general", "span", "span_context", "span_general", "industry_head", "registration"}
)


def extract_moves(
    paths: pd.DataFrame, profile_soc: dict[str, str], coder: SocCoder, leads: dict[tuple[str, str], str]
) -> pd.DataFrame:
    """One row per (profile, named job): url_name, origin title and SOC 2020, the phrase, its code, how it
    was read, and `kept` (a confident code in another unit group than the origin's).

    leads: (origin SOC, "supervisor" | "manager") -> the unit group that supervises or manages the
    origin's work (`structure.leads`): a bare "supervisory role" or "management" names that group."""
    rows = []
    for url, title, text in paths[["url_name", "title", "career_path"]].itertuples(index=False):
        origin = profile_soc.get(url)
        for phrase in named_jobs(text):
            level = SENIORITY.get(phrase)
            if level is not None:
                soc = leads.get((origin, "manager" if level == "manager" else "supervisor"))
                row = {
                    "destination_soc2020": soc,
                    "confidence": None,
                    "method": "seniority",
                    "read_as": "seniority in the origin's line of work",
                    "sure": soc is not None,
                }
            else:
                coded = coder.code(phrase, context=title)
                row = {
                    "destination_soc2020": coded.soc2020,
                    "confidence": round(coded.confidence, 3),
                    "method": coded.method,
                    "read_as": "named job",
                    "sure": coded.method in CONFIDENT,
                }
            sure = row.pop("sure")
            dest = row["destination_soc2020"]
            rows.append(
                {
                    "url_name": url,
                    "origin_title": title,
                    "origin_soc2020": origin,
                    "phrase": phrase,
                    **row,
                    "destination_title": coder.titles.get(dest) if dest else None,
                    "kept": bool(origin and dest and sure and dest != origin),
                }
            )
    return pd.DataFrame(rows)


# An entry route that names where people come from: "You could start as a kitchen assistant and work your
# way up", "if you're working as an estimator, building technician or site supervisor"
ROUTE_FROM = re.compile(
    r"\b(?:start(?:ing)? (?:out )?as|experience (?:as|of working as)|(?:are|you're|been) working as|"
    r"work(?:ing)? your way up from|promot(?:ed|ion) from|progress(?:ing)? from|move up from|"
    r"join (?:a company|an employer|a firm) as)\s+(.*)",
    re.IGNORECASE,
)


def route_moves(routes: pd.DataFrame, profile_soc: dict[str, str], coder: SocCoder) -> pd.DataFrame:
    """Moves into a profile that its own entry routes name ("start as a kitchen assistant"): one row per
    (origin SOC 2020, destination SOC 2020) the coder is sure of. Every profile has entry routes, so this
    evidence exists for destinations whose career-path text the file leaves out."""
    rows = set()
    for url, text in routes[["url_name", "route_text"]].itertuples(index=False):
        destination = profile_soc.get(url)
        if not destination:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", text or ""):
            m = ROUTE_FROM.search(sentence)
            if m is None:
                continue
            for part in SPLIT.split(LIST_END.sub("", m.group(1))):
                phrase = clean_phrase(part)
                if not phrase or len(phrase.split()) > MAX_WORDS:
                    continue
                coded = coder.code(phrase)
                if coded.soc2020 and coded.method in CONFIDENT and coded.soc2020 != destination:
                    rows.add((coded.soc2020, destination))
    return pd.DataFrame(sorted(rows), columns=["origin_soc2020", "destination_soc2020"])
