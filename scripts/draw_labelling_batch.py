"""Draw the next batch of real advert titles to hand-code for the SOC coder, by the rule the second batch
and the validation sets followed (session 15 drew them with scripts it did not keep; this is that rule).

A title is drawable when neither it (case-folded) nor its cleaned main phrase (what the coder reads first:
`split_labelled_titles.main_phrase`) is in any file already coded or set aside: the labelled titles, the
excluded ones and every validation set. One title per main phrase (the first in the file), so a batch
never holds two spellings of one job. `--care` titles come from the board's healthcare category and
`--other` from the rest, each a seeded pandas sample. Prints title, employer and category, all a coder
may see: code them blind (the coder not run first), set aside the undecidable with the reason, then append
the coded ones and run `python -m scripts.split_labelled_titles` to give them their frozen split.

    .venv/bin/python -m scripts.draw_labelling_batch ../shared/data/jobads/adzuna_job_salary_prediction_train_rev1_subset.csv \\
        --care 60 --other 80 --seed 20261208 > /tmp/batch.csv

A source needs columns Title, Company and Category (the Adzuna file's) or title, employer and category.
The pool sizes are printed to stderr: in session 16 the Adzuna subset had 913 care and 22 other titles left.
"""

import argparse
import sys
from pathlib import Path

import pandas as pd

from scripts.split_labelled_titles import main_phrase

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
CARE = "Healthcare & Nursing Jobs"
ADZUNA_COLUMNS = {"Title": "title", "Company": "employer", "Category": "category"}


def used_files() -> list[Path]:
    return [
        DATA / "labelled_advert_titles.csv",
        DATA / "labelled_advert_titles_excluded.csv",
        *sorted(DATA.glob("soc_coder_disagreements_validation*.csv")),
    ]


def pool(source: pd.DataFrame, used: list[pd.DataFrame]) -> pd.DataFrame:
    """The drawable titles of `source` (title, employer, category), one per main phrase, in file order."""
    frame = source.rename(columns=ADZUNA_COLUMNS)[["title", "employer", "category"]].fillna("").astype(str)
    titles = {t.strip().lower() for u in used for t in u.title}
    phrases = {main_phrase(t) for u in used for t in u.title}
    frame = frame.assign(phrase=[main_phrase(t) for t in frame.title])
    fresh = ~frame.title.str.strip().str.lower().isin(titles) & ~frame.phrase.isin(phrases) & frame.phrase.ne("")
    return frame[fresh].drop_duplicates("phrase").drop(columns="phrase").reset_index(drop=True)


def draw(drawable: pd.DataFrame, care: int, other: int, seed: int) -> pd.DataFrame:
    """`care` titles of the healthcare category and `other` of the rest (all of a part when it is smaller)."""
    is_care = drawable.category.eq(CARE)
    parts = [(drawable[is_care], care), (drawable[~is_care], other)]
    return pd.concat([part.sample(min(n, len(part)), random_state=seed) for part, n in parts], ignore_index=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a CSV of advert titles (Title, Company, Category)")
    parser.add_argument("--care", type=int, default=60)
    parser.add_argument("--other", type=int, default=80)
    parser.add_argument("--seed", type=int, required=True, help="record it beside the batch")
    args = parser.parse_args(argv)
    source = pd.read_csv(args.source, dtype=str, keep_default_na=False)
    missing = set(ADZUNA_COLUMNS.values()) - set(source.rename(columns=ADZUNA_COLUMNS).columns)
    if missing:
        parser.error(f"{args.source}: no column {', '.join(sorted(missing))} (Title/Company/Category or lower case)")
    drawable = pool(source, [pd.read_csv(f, dtype=str, keep_default_na=False) for f in used_files()])
    print(
        f"drawable: {int(drawable.category.eq(CARE).sum())} care, {int((~drawable.category.eq(CARE)).sum())} other",
        file=sys.stderr,
    )
    draw(drawable, args.care, args.other, args.seed).to_csv(sys.stdout, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
