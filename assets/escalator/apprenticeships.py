"""What the apprenticeship standards the National Careers Service lists say about a move.

Each NCS profile names the apprenticeship standards that train for it ("Adult care worker (level 2,
ST0005) | Lead adult care worker (level 3, ST0006)"). Between two unit groups (through the profiles mapped
to each, derived/ncs_profile_soc2020):
  shared_standard  some standard trains for both: one training, two jobs
  standard_ladder  a standard of the destination continues one of the origin's at a higher level: the
                   token overlap (Jaccard) of their names, role and level words left out, so "adult care
                   worker" (2) -> "leader in adult care" (5) is a rung of one route
  standard_route   the strongest link in words, with the NCS profiles that list each standard (a shared
                   standard counts as a full match; between equals, a rung up: "Adult care worker (level 2;
                   NCS: care worker) -> Lead adult care worker (level 3; NCS: senior care worker)"): the
                   step's checkable reason, which shows where a profile's unit group is an odd fit
"""

import re
from itertools import product

import pandas as pd

from assets.platform.warehouse import QuarantineRow

# "Dietitian (level 6, ST0599 )": the source sometimes leaves a space before the bracket
STANDARD = re.compile(r"(.+?) \(level (\d+), (ST\d+)\s*\)")
# words that name a role, a level or the form of training, not the field a route trains for
ROLE_WORDS = frozenset(
    "and of the in for assistant technician worker operative officer practitioner professional manager "
    "engineer support team junior senior lead leader specialist advanced degree apprenticeship".split()
)


def standards(profiles: pd.DataFrame, profile_soc: dict[str, str]) -> tuple[pd.DataFrame, list[QuarantineRow]]:
    """profiles: url_name, title, apprenticeship_standards -> one row per (soc2020, standard): name, level,
    ref, and the titles of the unit group's profiles that list it (lower case, "; "-joined); and a
    quarantine row for every listed standard that cannot be read. (A profile with no unit group is
    quarantined where it is mapped, derived/ncs_profile_soc2020.)"""
    rows, unread = [], []
    for url, title, listed in profiles[["url_name", "title", "apprenticeship_standards"]].itertuples(index=False):
        soc = profile_soc.get(url)
        for part in filter(None, (p.strip() for p in (listed or "").split(" | "))):
            m = STANDARD.fullmatch(part)
            if m is None:
                reason = f"apprenticeship standard {part!r} is not 'name (level N, STnnnn)'"
                unread.append(QuarantineRow(f"url_name={url}", "apprenticeship_standards", reason, {"url_name": url}))
            elif soc:
                rows.append((soc, m.group(1), int(m.group(2)), m.group(3), title.lower()))
    frame = pd.DataFrame(rows, columns=["soc2020", "name", "level", "ref", "profiles"])
    keys = ["soc2020", "level", "name", "ref"]
    # sorted: which of two equally strong links a step names must not depend on the profiles' order
    frame = frame.groupby(keys, as_index=False).profiles.agg(lambda t: "; ".join(sorted(set(t))))
    return frame.sort_values(keys, ignore_index=True)[["soc2020", "name", "level", "ref", "profiles"]], unread


def _field_words(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", name.lower()) if w not in ROLE_WORDS)


def pair_evidence(std: pd.DataFrame) -> pd.DataFrame:
    """Per ordered pair of unit groups with any link: shared_standard, standard_ladder, standard_route."""
    items = [(r.soc2020, r.name, r.level, r.ref, r.profiles, _field_words(r.name)) for r in std.itertuples(index=False)]
    best: dict[tuple[str, str], tuple[float, float, tuple[float, bool], str]] = {}
    for (o, on, ol, oref, op, ow), (d, dn, dl, dref, dp, dw) in product(items, items):
        if o == d:
            continue
        shared = float(oref == dref)
        ladder = len(ow & dw) / len(ow | dw) if dl > ol and ow and dw else 0.0
        if not shared and not ladder:
            continue
        if shared:
            route = f"{on} (level {ol}), for both jobs (NCS: {op}; {dp})"
        else:
            route = f"{on} (level {ol}; NCS: {op}) -> {dn} (level {dl}; NCS: {dp})"
        strength = (1.0 if shared else ladder, not shared)  # a rung up wins a tie with a shared standard
        old = best.get((o, d), (0.0, 0.0, (0.0, False), ""))
        shown = (strength, route) if strength > old[2] else (old[2], old[3])
        best[(o, d)] = (max(old[0], shared), max(old[1], ladder), *shown)
    return pd.DataFrame(
        [(o, d, shared, round(ladder, 4), route) for (o, d), (shared, ladder, _, route) in sorted(best.items())],
        columns=["origin_soc2020", "destination_soc2020", "shared_standard", "standard_ladder", "standard_route"],
    )
