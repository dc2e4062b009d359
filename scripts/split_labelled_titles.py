"""Freeze the development / held-out split of benchmarks/data/labelled_advert_titles.csv by its rule.

The rule (issue 29: the held-out half must be titles the coder never met in another spelling):
  1. Titles are grouped when they share their cleaned main phrase (`soc_text.segments(title)[0]`, what the
     coder reads first: "Staff Nurse (RGN) Doncaster" and "Staff Nurse, Nursing Home" are one group) or
     are the same advert repeated by one employer (same employer, same title up to case, spacing and
     punctuation). Groups are joined transitively.
  2. A title's first assignment: the first 100 titles (looked at while the normaliser was written) are
     development; the others by the SHA-1 of the raw title, odd -> held-out, even -> development.
  3. A group is held-out only if every title in it was assigned held-out; one development title makes the
     whole group development (its spelling was read while writing the coder, so none of it is unseen).

`python -m scripts.split_labelled_titles` rewrites the `split` column and prints what moved;
`--check` exits 1 if the file does not follow the rule (tests/test_soc_coder.py runs the same check).
"""

import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

from assets.jobads.soc_text import segments

FILE = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "labelled_advert_titles.csv"
FIRST_DEV = 100


def first_assignment(position: int, title: str) -> str:
    if position < FIRST_DEV:
        return "dev"
    return "heldout" if int(hashlib.sha1(title.encode("utf-8")).hexdigest(), 16) % 2 else "dev"


def main_phrase(title: str) -> str:
    phrases = segments(title)
    return " ".join(phrases[0]) if phrases else title.strip().lower()


def groups(labelled: pd.DataFrame) -> list[int]:
    """Each title's group number (union-find over shared main phrase and repeated advert)."""
    parent = list(range(len(labelled)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple, int] = {}
    for i, row in enumerate(labelled.itertuples()):
        keys = [("phrase", main_phrase(row.title))]
        if row.employer.strip():
            keys.append(("advert", row.employer.strip().lower(), re.sub(r"\W+", " ", row.title.lower()).strip()))
        for key in keys:
            if key in seen:
                parent[find(i)] = find(seen[key])
            else:
                seen[key] = i
    return [find(i) for i in range(len(labelled))]


def frozen_split(labelled: pd.DataFrame) -> pd.Series:
    first = pd.Series([first_assignment(i, t) for i, t in enumerate(labelled.title)], index=labelled.index)
    group = pd.Series(groups(labelled), index=labelled.index)
    all_heldout = first.eq("heldout").groupby(group).transform("all")
    return all_heldout.map({True: "heldout", False: "dev"})


def load() -> pd.DataFrame:
    return pd.read_csv(FILE, dtype=str, keep_default_na=False)


def main(argv: list[str]) -> int:
    labelled = load()
    split = frozen_split(labelled)
    moved = labelled[labelled.split != split]
    if "--check" in argv:
        if len(moved):
            print(f"{len(moved)} titles do not follow the split rule, e.g. {moved.title.iloc[0]!r}")
            return 1
        print(f"split follows its rule: {split.value_counts().to_dict()}")
        return 0
    for row in moved.itertuples():
        print(f"{row.split} -> {split[row.Index]}: {row.title}")
    labelled["split"] = split
    labelled.to_csv(FILE, index=False, lineterminator="\n")
    print(f"{len(moved)} moved; now {split.value_counts().to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
