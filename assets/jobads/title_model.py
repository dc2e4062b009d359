"""A learned text model of job titles -> SOC 2020 unit groups, beside the coder's rules.

Trained on the ONS SOC 2020 coding index (every title, and every title with its qualifier, e.g.
"engineer professional") plus the development half of the hand-coded advert titles
(benchmarks/data/labelled_advert_titles.csv, split 'dev'; the held-out half is never read here): character
n-grams (3-5, within words) and word uni- and bigrams, TF-IDF, and a linear classifier (scikit-learn
SGDClassifier, modified Huber loss, fixed seed). Character n-grams read misspellings and word forms
("childrens", "modeller") the index spells otherwise; word bigrams keep the pairs that name an occupation
("data modeller", "community connector") apart from their head word's commonest sense.

Settings chosen on the development titles alone, two folds grouped by main phrase (a model trained on the
index and one fold codes the other fold's main phrases; `scripts/calibrate_soc_coder.py` groups its folds
the same way): characters alone, alpha 5e-5, 3 passes (the previous model) 76.7% right; + word 1-2-grams 79.6%;
+ alpha 1e-4 and 12 passes 86.8% (20 passes 87.6% at twice the time), on the first batch's 387
development titles. Tuned on those figures; `python -m benchmarks title_model_cv` reprints the first and
the last (on all 450 development titles now: 79.3% and 86.0%). Session 16, five folds of all 450 (the
calibration's folds; nothing changed on them): shipped 86.4%; plus every index title with its industry as
a training row 85.8%; development titles six times 86.4%; word 1-3-grams 86.2%; 20 passes 86.2%.

Training takes ~10 s on two threads, so a trained model is kept in `.cache/models/` (git-ignored) under a
hash of its training data and settings, and loaded (~0.3 s) by every later coder in any process, for any
warehouse: the same data give the same model.
"""

import fcntl
import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from assets.jobads.soc_text import words

SEED = 20261206
VERSION = "6"  # bump when the features or the classifier change: old cached models are then not reused
PASSES_ALPHA = (12, 1e-4)  # SGD passes and regularisation (module docstring)
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
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import FeatureUnion
        from threadpoolctl import threadpool_limits

        vectorizer = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, dtype=np.float32
                    ),
                ),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)),
            ]
        )
        x = vectorizer.fit_transform(texts)
        # a fixed number of passes (12: ~20 s on one core) and alpha 1e-4: see the module docstring
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", category=ConvergenceWarning)  # a fixed number of passes, by design
            # one-vs-all over two threads: each class's binary classifier has its own seed drawn from SEED,
            # so the coefficients are identical to one thread (checked), in half the time (~10 s)
            classifier = SGDClassifier(
                loss="modified_huber",
                alpha=PASSES_ALPHA[1],
                max_iter=PASSES_ALPHA[0],
                tol=None,
                random_state=SEED,
                n_jobs=2,
            )
            classifier.fit(x, codes)
        return cls(vectorizer, classifier)

    def decision(self, titles: list[str], normalised: bool = False) -> np.ndarray:
        """titles x classes margins (higher: more likely). normalised: already `soc_text.words` joined."""
        x = self.vectorizer.transform(titles if normalised else [_norm(t) for t in titles])
        return np.asarray(x @ self.coef) + self.intercept

    def ranked(self, titles: list[str], normalised: bool = False, k: int = 5) -> list[tuple[tuple[str, float], ...]]:
        """Per title: its k best codes with their margins, best first."""
        d = self.decision(titles, normalised)
        best = np.argpartition(-d, k, axis=1)[:, :k]
        out = []
        for row, cols in zip(d, best):
            cols = cols[np.argsort(-row[cols], kind="stable")]
            out.append(tuple((self.classes[c], float(row[c])) for c in cols))
        return out

    def top(self, titles: list[str], normalised: bool = False) -> list[tuple[str, float, float]]:
        """Per title: (best code, its margin, its lead over the runner-up)."""
        d = self.decision(titles, normalised)
        rows = np.arange(len(titles))
        two = np.argpartition(-d, 1, axis=1)[:, :2]  # the two best, in either order
        first = np.where(d[rows, two[:, 0]] >= d[rows, two[:, 1]], two[:, 0], two[:, 1])
        second = np.where(first == two[:, 0], two[:, 1], two[:, 0])
        best, runner = d[rows, first], d[rows, second]
        return [(self.classes[o], float(b), float(b - r)) for o, b, r in zip(first, best, runner)]


def describe(index: pd.DataFrame, labelled: pd.DataFrame | None) -> dict:
    """What the model for this training data was trained on and how: the asset metadata of every step that
    codes titles (the same data give the same model, so this describes the model in use)."""
    texts, codes = training_set(index, labelled)
    dev = 0 if labelled is None else int((labelled["split"] == "dev").sum())
    passes, alpha = PASSES_ALPHA
    return {
        "training_rows": len(texts),
        "index_rows": len(texts) - dev * DEV_REPEAT,
        "development_titles": dev,
        "development_repeat": DEV_REPEAT,
        "classes": int(len(set(codes))),
        "features": "TF-IDF character 3-5-grams (within words) + word 1-2-grams",
        "classifier": f"SGDClassifier(modified_huber, alpha={alpha:g}, {passes} passes, seed {SEED})",
        "model_key": model_key(texts, codes),
    }


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


# where trained models are kept (keyed by their training data, so one cache serves every warehouse)
DEFAULT_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "models"
