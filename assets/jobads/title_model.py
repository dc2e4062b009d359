"""A learned text model of job titles -> SOC 2020 unit groups, beside the coder's rules.

Trained on the ONS SOC 2020 coding index (every title, and every title with its qualifier, e.g.
"engineer professional") plus the development half of the hand-coded advert titles
(benchmarks/data/labelled_advert_titles.csv, split 'dev'; the held-out half is never read here): character
n-grams (2-5, within words, TF-IDF) and a linear classifier (scikit-learn SGDClassifier, modified Huber
loss, fixed seed). Character n-grams read misspellings and word forms ("childrens", "modeller") the index
spells otherwise; the linear weights learn which words carry the occupation ("data" in "data modeller").

Training takes ~15 s on one core, so a trained model is kept (beside the warehouse, in `models/`; else
`.cache/models/`) under a hash of its training data and settings, and loaded (~0.3 s) by every later coder
in any process.
"""

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from assets.jobads.soc_text import words

SEED = 20261206
VERSION = "2"  # bump when the features or the classifier change: old cached models are then not reused
DEV_REPEAT = 3  # the advert titles are few beside 32k index titles: each counts three times
LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "labelled_advert_titles.csv"


def _norm(text: str) -> str:
    return " ".join(words(text))


def training_set(index: pd.DataFrame, labelled: pd.DataFrame | None) -> tuple[list[str], np.ndarray]:
    """Texts and codes: index titles, index titles with their qualifier, development advert titles."""
    coded = index[index["soc2020"].astype(str).str.fullmatch(r"\d{4}")]
    texts = [_norm(t) for t in coded["job_title"]]
    codes = list(coded["soc2020"].astype(str))
    qualified = coded[coded["qualifier"].fillna("").str.strip() != ""]
    texts += [_norm(f"{t} {q}") for t, q in zip(qualified["job_title"], qualified["qualifier"])]
    codes += list(qualified["soc2020"].astype(str))
    if labelled is not None:
        dev = labelled[labelled["split"] == "dev"]
        texts += [_norm(t) for t in dev["title"]] * DEV_REPEAT
        codes += list(dev["soc2020"].astype(str)) * DEV_REPEAT
    keep = [i for i, t in enumerate(texts) if t]
    return [texts[i] for i in keep], np.asarray([codes[i] for i in keep])


def load_labelled() -> pd.DataFrame | None:
    return pd.read_csv(LABELLED, dtype=str, keep_default_na=False) if LABELLED.exists() else None


class TitleModel:
    def __init__(self, vectorizer, classifier):
        self.vectorizer = vectorizer
        self.classes = np.asarray([str(c) for c in classifier.classes_], dtype=object)
        # float32 weights: half the memory (412 x ~26k), the same ranking
        self.coef = classifier.coef_.astype(np.float32).T.copy()
        self.intercept = classifier.intercept_.astype(np.float32)

    @classmethod
    def train(cls, texts: list[str], codes: np.ndarray) -> "TitleModel":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from threadpoolctl import threadpool_limits

        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, dtype=np.float32
        )
        x = vectorizer.fit_transform(texts)
        with threadpool_limits(1):
            classifier = SGDClassifier(loss="modified_huber", alpha=2e-5, max_iter=8, tol=None, random_state=SEED).fit(
                x, codes
            )
        return cls(vectorizer, classifier)

    def decision(self, titles: list[str]) -> np.ndarray:
        """titles x classes margins (higher: more likely)."""
        x = self.vectorizer.transform([_norm(t) for t in titles])
        return np.asarray(x @ self.coef) + self.intercept

    def top(self, titles: list[str]) -> list[tuple[str, float, float]]:
        """Per title: (best code, its margin, its lead over the runner-up)."""
        d = self.decision(titles)
        order = np.argsort(-d, axis=1)[:, :2]
        rows = np.arange(len(titles))
        best, second = d[rows, order[:, 0]], d[rows, order[:, 1]]
        return [(self.classes[o], float(b), float(b - s)) for o, b, s in zip(order[:, 0], best, second)]


def model_key(texts: list[str], codes: np.ndarray) -> str:
    h = hashlib.sha256(VERSION.encode())
    for t, c in zip(texts, codes):
        h.update(f"{t}\t{c}\n".encode())
    return h.hexdigest()[:16]


def load_or_train(index: pd.DataFrame, labelled: pd.DataFrame | None, cache_dir: Path | None) -> TitleModel:
    """The model for this training data: from the cache if it holds one, else trained (and cached)."""
    import joblib

    texts, codes = training_set(index, labelled)
    if cache_dir is None:
        return TitleModel.train(texts, codes)
    path = cache_dir / f"soc_title_model-{model_key(texts, codes)}.joblib"
    if path.exists():
        return joblib.load(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # one process trains while the others (a refresh runs several coders at once) wait, then load its model
    with open(cache_dir / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return joblib.load(path)
        model = TitleModel.train(texts, codes)
        # written under a temporary name and renamed: a process reading the cache never sees half a file
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        os.close(fd)
        joblib.dump(model, tmp)
        os.replace(tmp, path)
    return model


# where a coder built outside a refresh keeps its model (a refresh keeps it beside the warehouse)
DEFAULT_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "models"
