"""Run the occupationcoder package (0.2.0, SOC 2010) on titles (or {"title", "sector"}) read as JSON from
stdin; print JSON codes.

Runs inside its own virtual environment (benchmarks/peer_env.py), never the project's. Offline shims, both
stated in the benchmark output: nltk's punkt and WordNet data cannot be downloaded here, so word_tokenize is
nltk's data-free Treebank tokenizer and the WordNet lemmatiser is simplemma's English lemmatiser. Its Coder
class only wraps the same utility functions in dask processes; they are called row by row here.
"""

import json
import sys
import time

import nltk
import simplemma
from nltk.tokenize import TreebankWordTokenizer


class _Lemmatiser:
    def lemmatize(self, word):
        return simplemma.lemmatize(word, lang="en")


nltk.WordNetLemmatizer = _Lemmatiser
nltk.word_tokenize = TreebankWordTokenizer().tokenize

import pandas as pd  # noqa: E402
from occupationcoder.utilities import utilities as oc  # noqa: E402

# its bundled minor-group table is read with integer codes, its title dictionary keyed by strings
oc.mg_buckets["SOC_code"] = oc.mg_buckets.SOC_code.astype(str)


def code(title: str, sector: str = "") -> str:
    row = pd.Series({"job_title": title, "job_description": "", "job_sector": sector})
    clean = oc.clean_title(row)
    exact = oc.exact_match(clean)
    if exact != "NA":
        return str(exact)
    row["title_nospace"] = clean
    row["title_and_desc"] = " ".join([clean, oc.clean_sector(row), oc.clean_desc(row)])
    row["top5"] = oc.get_best_score_top5_2(row["title_and_desc"])
    return str(oc.return_best_match_2(row)[0])


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    titles = json.load(sys.stdin)
    started = time.perf_counter()
    # a title, or {"title", "sector"}: the advert's board category as occupationcoder's job_sector
    codes = [code(t) if isinstance(t, str) else code(t["title"], t.get("sector", "")) for t in titles]
    print(json.dumps({"codes": codes, "seconds": time.perf_counter() - started}))
