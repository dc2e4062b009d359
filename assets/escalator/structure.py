"""Who supervises or manages whose work, read from the ONS SOC 2020 unit-group titles and descriptions.

A supervisory unit group says so: its title names the level ("Sales supervisors", "Senior care workers",
"... managers and supervisors") or its description says it "directly supervise[s] and coordinate[s] the
activities of <the workers>". A manager group (major group 1) "plan[s], organise[s], direct[s] and
co-ordinate[s]" some work. How much of the origin's work a supervisory group oversees is the TF-IDF cosine
of the group's description with the origin's title and description: "you would supervise the work you do
now" when it is high.
"""

import re

import numpy as np
import pandas as pd

SUPERVISORY_TITLE = re.compile(r"supervisor|senior|foremen|team leader|managers and supervisors", re.IGNORECASE)
SUPERVISES = re.compile(r"directly supervise|oversee and monitor|supervise and co-?ordinate", re.IGNORECASE)
# never anyone's next line manager: heads of organisations, elected officers, armed forces officers, and
# catch-all groups whose generic wording ("other services") matches any description
NOT_A_LEAD = ("1111", "1112", "1161")
# words every lead description uses ("plan, organise, direct and co-ordinate the activities of"): they say
# the group leads, not whose work
STOP_WORDS = [
    "n.e.c",
    "nec",
    "elsewhere",
    "classified",
    "other",
    "related",
    "occupations",
    "workers",
    "services",
    "plan",
    "organise",
    "direct",
    "co",
    "ordinate",
    "coordinate",
    "activities",
    "resources",
    "managers",
    "directors",
    "proprietors",
    "supervise",
    "supervisors",
    "oversee",
    "operations",
    "staff",
    "ensure",
]


def _first_sentences(text: str, n: int = 2) -> str:
    return " ".join(re.split(r"(?<=\.)\s+", text or "")[:n])


def lead_kinds(groups: pd.DataFrame) -> pd.Series:
    """'manager', 'supervisor' or '' per unit group (index soc2020)."""
    catch_all = groups.soc2020_title.str.contains("n.e.c", regex=False) | groups.soc2020.isin(NOT_A_LEAD)
    supervisory = groups.soc2020_title.str.contains(SUPERVISORY_TITLE) | groups.description.fillna("").str.contains(
        SUPERVISES
    )
    kind = np.select([catch_all, groups.soc2020_major.eq("1"), supervisory], ["", "manager", "supervisor"], default="")
    return pd.Series(kind, index=groups.soc2020.to_numpy())


# words that say a title leads, not whose work it is ("Supervisor (food products mfr)": food products)
LEAD_WORDS = re.compile(
    r"\b(?:supervisors?|supervisory|foreman|foremen|forewoman|team|leaders?|chargehands?|charge|hands?|heads?|"
    r"chief|senior|principal|managers?|assistant|deputy|section|shift|working|gang|ganger|lead|overlooker|"
    r"controller|superintendent|inspector|mfr|manufacture|manufacturing)\b"
)


def index_words(groups: pd.DataFrame, index: pd.DataFrame) -> list[str]:
    """Per unit group (in `groups` order), the ONS coding index's titles, qualifiers and industries coded to
    it, lower-cased, role words removed: the work the group's job titles name."""
    parts = index[["job_title", "qualifier", "industry"]].fillna("")
    text = (parts.job_title + " " + parts.qualifier + " " + parts.industry).str.lower()
    joined = text.groupby(index.soc2020.astype(str)).agg(" ".join)
    return [LEAD_WORDS.sub(" ", joined.get(code, "")) for code in groups.soc2020]


def oversight(groups: pd.DataFrame, index: pd.DataFrame | None = None) -> np.ndarray:
    """n x n: how much of origin i's work lead group j oversees (0 where j is not a lead group).

    With the coding index, a supervisory group's share is also read from the job titles ONS codes to it
    and to the origin (TF-IDF cosine of `index_words`), taking the larger: ONS describes production
    supervisors as overseeing "production, manufacturing and assembly roles", words no process operative's
    description uses, while the index codes "supervisor (food products mfr)" to them and "operative (food
    products mfr)" to food process operatives; within the supervisors' own major group only. Managers keep
    the description alone: a manager group's index titles name its industry, which its workers' titles
    share without being managed by it."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    lead_text = [_first_sentences(d) for d in groups.description.fillna("")]
    own_text = (groups.soc2020_title + ". " + groups.description.fillna("").map(_first_sentences)).tolist()
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop = sorted(ENGLISH_STOP_WORDS | set(STOP_WORDS))
    vec = TfidfVectorizer(stop_words=stop, sublinear_tf=True).fit(own_text + lead_text)
    a = vec.transform(own_text)
    b = vec.transform(lead_text)
    sims = (a @ b.T).toarray()
    kinds = lead_kinds(groups).to_numpy()
    if index is not None:
        docs = index_words(groups, index)
        titles = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(docs)
        supervisor = kinds == "supervisor"
        by_titles = (titles @ titles[supervisor].T).toarray()
        # only within the supervisors' own major group (skill level): "team leader" is coded to senior care
        # workers, and youth, welfare and probation workers' titles read alike without being their work
        major = groups.soc2020_major.to_numpy()
        by_titles[major[:, None] != major[supervisor][None, :]] = 0.0
        sims[:, supervisor] = np.maximum(sims[:, supervisor], by_titles)
    sims[:, kinds == ""] = 0.0
    np.fill_diagonal(sims, 0.0)
    return sims


def leads(groups: pd.DataFrame, sims: np.ndarray) -> dict[tuple[str, str], str]:
    """(origin, 'supervisor' | 'manager') -> the lead group of that kind that oversees most of the origin's
    work, if any oversees enough (dbt var escalator_oversees_origin, the bar the explorer's "you would
    supervise the work you do now" uses too). A group that is itself a lead of that kind is its own: a
    manager's "management" is seniority in the job they hold (a retail manager's career path does not
    lead to farm management because that is the nearest *other* managers' group)."""
    from assets.transform.project import dbt_var

    least = float(dbt_var("escalator_oversees_origin"))
    kinds = lead_kinds(groups).to_numpy()
    codes = groups.soc2020.to_numpy()
    out = {}
    for kind in ("supervisor", "manager"):
        cols = np.flatnonzero(kinds == kind)
        best = cols[np.argmax(sims[:, cols], axis=1)]
        score = sims[np.arange(len(codes)), best]
        for i in np.flatnonzero(score >= least):
            out[(codes[i], kind)] = codes[best[i]]
        for i in np.flatnonzero(kinds == kind):
            out[(codes[i], kind)] = codes[i]
    return out
