"""What an advert says about its industry, in the coding index's words.

ONS coders settle an ambiguous title with the employer's industry ("support worker" in a nursing home is
6135, in a hospital 6131). The index states industries as short phrases (`care/residential home`,
`hospital service`, `local government`); an advert states them through its employer, the board's
category and the words around the occupation ("Deputy Manager - Dementia Home"). Each pattern below maps
advert wording to the index's industry words; `industry_words` returns the set a candidate entry is
scored against.
"""

import re

CONTEXT_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    (r"\bnhs\b|hospital|\btrust\b|clinical|\bward\b|theatre|acute", ("hospital",)),
    (
        r"care home|nursing home|residential|dementia|elderly|domiciliary|home ?care|live[ -]?in|supported living|"
        r"learning disabilit|respite|\bhome\b",
        ("care", "residential", "nursing", "home"),
    ),
    (r"children'?s home|childcare|looked after|\blac\b|fostering", ("childcare", "residential", "children")),
    (r"council|borough|county|district|local authority|city of", ("local", "government")),
    (r"restaurant|gastro|bistro|brasserie|dining|catering|kitchen|food", ("restaurant", "catering")),
    (r"\bpub\b|\binn\b|tavern|\bbar\b|licensed", ("public", "house")),
    (
        r"paediatric|cardiolog|oncolog|psychiatr|surg|medicine|anaesthe|obstetric|gynae|neonat|radiolog|patholog|"
        r"critical care|stroke|trauma|physician|ophthalm|dermatolog|haematolog|respiratory|gastro|urolog|"
        r"neurolog|geriatric|rheumatolog|endocrin|cardiac|renal|medical",
        ("medical", "hospital"),
    ),
    (r"hotel|resort|\bspa\b", ("hotel",)),
    (r"leisure|sport|fitness|gym|swimming", ("leisure", "sports", "centre")),
    (r"school|academy|education|teaching|college", ("school", "educational", "establishment")),
    (r"\bit\b|software|digital|computing|developer|web", ("computing", "it", "software")),
    (r"\bbank|financial|finance|accountan|insurance|investment", ("banking", "financial", "services")),
    (r"retail|shop|store|supermarket", ("retail", "trade", "shop")),
    (r"housing|homeless|tenan|lettings", ("housing",)),
    (r"engineering|manufactur|factory|plant", ("manufacturing", "engineering")),
    (r"warehouse|logistic|distribution|depot", ("warehousing", "distribution", "transport")),
    (r"pharmac", ("pharmacy",)),
    (r"dental|dentist", ("dental", "practice")),
    (r"\bgp\b|surgery|medical practice", ("medical", "practice")),
]
_COMPILED = [(re.compile(p), words) for p, words in CONTEXT_PATTERNS]
WORD = re.compile(r"[a-z]+")


def industry_words(*texts: str) -> frozenset[str]:
    """Index industry words suggested by the given advert text (employer, category, title remainder)."""
    text = " ".join(t for t in texts if t).lower()
    if not text.strip():
        return frozenset()
    found: set[str] = set()
    for pattern, words in _COMPILED:
        if pattern.search(text):
            found.update(words)
    return frozenset(found)


def entry_words(qualifier: str, industry: str) -> frozenset[str]:
    """The words of an index entry's qualifier (ADD) and industry (IND) columns."""
    return frozenset(WORD.findall(f"{qualifier} {industry}".lower()))
