"""The escalator's learned ranker: which occupations careers advisers would name as the next steps from an
origin, learned from the moves the National Careers Service names (`career_paths`) over the evidence for
every ordered pair of unit groups (`features`).

- Labels: a pair is positive when an NCS career-path text names the move; every other destination of a
  labelled origin is a negative. Origins whose text names no codable move are left out (their silence is
  not evidence against any move).
- Model: a logistic regression over standardised features (scikit-learn; fixed seed, one thread, so two
  refreshes score identically). A gradient-boosted model (HistGradientBoostingClassifier) was tried and
  is kept as the comparison in benchmarks/escalator_ranker.py: it did not earn its place (lower held-out
  recall, three times the training time).
- Judged by grouped folds: origins are split into folds and every pair of a held-out origin is scored by a
  model that never saw that origin. recall@10 is the share of an origin's named moves in its top 10
  (micro-averaged); precision@10 the share of top-10 places that hold a named move.
- Hard rules stay filters, never features: no chief executive / elected officer from outside management,
  no armed forces from outside protective services (`plausible`).
"""

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assets.escalator.features import FEATURES

SEED = 20261206
FOLDS = 5
TOP_K = 10
TOP_POSTS = ("1111", "1112")
ARMED_FORCES = ("1161", "3311")


def plausible(pairs: pd.DataFrame) -> np.ndarray:
    """The hard plausibility rules, as a mask over (origin_soc2020, destination_soc2020) rows."""
    o, d = pairs.origin_soc2020.str, pairs.destination_soc2020
    top_post = d.isin(TOP_POSTS) & ~o[:1].eq("1")
    forces = d.isin(ARMED_FORCES) & ~o[:2].isin(["33", "11"])
    return ~(top_post | forces).to_numpy()


def make_model(kind: str = "linear"):
    if kind == "boosted":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=150,
            learning_rate=0.05,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=SEED,
        )
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(C=0.3, max_iter=2000, random_state=SEED)
    )


NEIGHBOURS = 10
LEARNED = ("neighbours_name", "destination_named_share")  # features computed from the labels themselves
MODEL_FEATURES = (*FEATURES, *LEARNED)


def _matrix(frame: pd.DataFrame) -> np.ndarray:
    return frame[list(MODEL_FEATURES)].to_numpy(dtype=float)


def with_label_evidence(
    pairs: pd.DataFrame, moves: pd.DataFrame, similarity: pd.DataFrame, allowed: set[str]
) -> pd.DataFrame:
    """Add what the labels of *other* origins say about each pair, from `allowed` origins only (in cross-
    validation, the training folds'):
      neighbours_name          share of the origin's NEIGHBOURS most similar labelled origins (weighted by
                               similarity) whose careers text names the destination: "careers advisers
                               name this move from similar jobs"
      destination_named_share  share of labelled origins that name the destination at all
    An origin never counts as its own neighbour, so a training row does not see its own label."""
    codes = np.array(sorted(set(pairs.origin_soc2020) | set(pairs.destination_soc2020)))
    at = {c: k for k, c in enumerate(codes)}
    n = len(codes)
    s = np.zeros((n, n))
    s[similarity.origin_soc2020.map(at).to_numpy(), similarity.destination_soc2020.map(at).to_numpy()] = (
        similarity.similarity.fillna(0).to_numpy()
    )
    use = np.array([c in allowed for c in codes])
    s[:, ~use] = 0.0
    np.fill_diagonal(s, 0.0)
    # keep each origin's NEIGHBOURS most similar labelled origins (ties by code order: stable sort)
    order = np.argsort(-s, axis=1, kind="stable")[:, NEIGHBOURS:]
    np.put_along_axis(s, order, 0.0, axis=1)
    y = np.zeros((n, n))
    m = moves[moves.origin_soc2020.isin(allowed)]
    y[m.origin_soc2020.map(at).to_numpy(), m.destination_soc2020.map(at).to_numpy()] = 1.0
    weight = s.sum(axis=1, keepdims=True)
    votes = np.divide(s @ y, weight, out=np.zeros((n, n)), where=weight > 0)
    i = pairs.origin_soc2020.map(at).to_numpy()
    j = pairs.destination_soc2020.map(at).to_numpy()
    # leave the row's own origin out of the count, as for the neighbours
    own = use[i].astype(float)
    named_share = (y.sum(axis=0)[j] - y[i, j]) / np.maximum(use.sum() - own, 1)
    return pairs.assign(neighbours_name=votes[i, j].round(6), destination_named_share=named_share.round(6))


def training_inputs(conn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """From a refreshed warehouse: the pair features (with us_share), the career-path moves kept as labels,
    and the similarity the label evidence weighs: what the benchmark and the tests re-train on."""
    features = conn.execute(
        f"select origin_soc2020, destination_soc2020, us_share, {', '.join(FEATURES)} from derived.escalator_step_scores"
    ).df()
    moves = conn.execute(
        "select distinct origin_soc2020, destination_soc2020 from derived.ncs_named_moves "
        "where evidence = 'career path' and kept"
    ).df()
    similarity = conn.execute(
        "select origin_soc2020, destination_soc2020, similarity from intermediate.int_soc_similarity"
    ).df()
    return features, moves, similarity


def labelled(features: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """The training rows: every pair of an origin with at least one named move, `label` 1 for the moves."""
    positive = set(zip(moves.origin_soc2020, moves.destination_soc2020))
    rows = features[features.origin_soc2020.isin(set(moves.origin_soc2020))].copy()
    rows["label"] = [int(p in positive) for p in zip(rows.origin_soc2020, rows.destination_soc2020)]
    return rows.reset_index(drop=True)


def chance(rows: pd.DataFrame) -> float:
    """The score of a destination drawn at random: the share of labelled pairs that are named moves. A move
    the model scores below it is less likely to be named than a random destination: no step
    (fct_escalator_transitions shows it as a candidate only)."""
    return round(float(rows.label.mean()), 6) if len(rows) else 0.0


def folds(origins: pd.Series, n: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """Fold number per row: whole origins, each by a seeded hash of its own code, so an origin keeps its fold
    when others join or leave the labels (a shuffle of the origin list re-dealt every fold when three
    origins left it, and the held-out figures moved by four points with no change in the ranker)."""
    fold_of = {o: int(hashlib.sha256(f"{seed}:{o}".encode()).hexdigest(), 16) % n for o in origins.unique()}
    return origins.map(fold_of).to_numpy()


def top_k_metrics(rows: pd.DataFrame, score: np.ndarray, k: int = TOP_K) -> dict[str, float]:
    """recall@k, precision@k over origins, among plausible destinations, ties broken by destination code."""
    r = rows.assign(score=score)[plausible(rows)]
    r = r.sort_values(["origin_soc2020", "score", "destination_soc2020"], ascending=[True, False, True])
    r["rank"] = r.groupby("origin_soc2020").cumcount() + 1
    hits = r[(r["rank"] <= k) & (r.label == 1)]
    positives = int(rows.label.sum())
    origins = rows.origin_soc2020.nunique()
    return {
        f"recall@{k}": round(len(hits) / positives, 4) if positives else 0.0,
        f"precision@{k}": round(len(hits) / (k * origins), 4) if origins else 0.0,
        "origins": origins,
        "positives": positives,
    }


def cross_validated(
    rows: pd.DataFrame, moves: pd.DataFrame, similarity: pd.DataFrame, kind: str = "linear", seed: int = SEED
) -> tuple[np.ndarray, dict[str, float]]:
    """Out-of-fold scores for every labelled row: each origin scored by a model that never saw it, with
    label evidence drawn from the training folds' origins only. `seed` deals the folds."""
    fold = folds(rows.origin_soc2020, seed=seed)
    out = np.zeros(len(rows))
    y = rows.label.to_numpy()
    for k in range(FOLDS):
        test = fold == k
        allowed = set(rows.origin_soc2020[~test])
        x = _matrix(with_label_evidence(rows, moves, similarity, allowed))
        model = make_model(kind).fit(x[~test], y[~test])
        out[test] = model.predict_proba(x[test])[:, 1]
    return out, top_k_metrics(rows, out)


@dataclass(frozen=True)
class Trained:
    model: object
    metrics: dict
    coefficients: dict[str, float]  # per standardised feature: the change in log-odds per standard deviation


def train(rows: pd.DataFrame, moves: pd.DataFrame, similarity: pd.DataFrame) -> Trained:
    """Cross-validated metrics, then the model fitted on every labelled origin."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one thread: identical floating-point sums, so identical scores
        _, metrics = cross_validated(rows, moves, similarity)
        full = with_label_evidence(rows, moves, similarity, set(rows.origin_soc2020))
        model = make_model().fit(_matrix(full), full.label.to_numpy())
    weights = model[-1].coef_[0]
    coefficients = {f: round(float(w), 4) for f, w in zip(MODEL_FEATURES, weights)}
    return Trained(model, metrics, dict(sorted(coefficients.items(), key=lambda kv: -abs(kv[1]))))


# The evidence a step's score leans on most, in words, for steps no single checkable reason explains (the
# mart's `why`); the major-group numbers and the origin's own lead role explain nothing about a move
FACTOR_WORDS = {
    "similarity": "similar work overall",
    "skills_similarity": "similar skills (O*NET)",
    "knowledge_similarity": "similar knowledge (O*NET)",
    "text_similarity": "a similar job description (ONS)",
    "ncs_similarity": "similar tasks (NCS)",
    "same_minor": "the same occupational group",
    "same_sub_major": "the same broad occupational group",
    "same_major": "the same SOC major group",
    "oversees_origin": "it oversees work like yours",
    "destination_lead": "a supervisory or management role",
    "log_pay_ratio": "better pay",
    "job_zone_change": "a step up in preparation",
    "destination_job_zone": "a job that needs more preparation",
    "destination_log_jobs": "a large occupation",
    "route_names_origin": "NCS names your job as a way in",
    "destination_no_degree_route": "a way in without a degree",
    "destination_graduate_entry": "graduate entry",
    "us_log_share": "people make this move (US survey)",
    "us_log_lift": "more people make this move than chance (US survey)",
    "shared_standard": "one apprenticeship standard trains for both",
    "standard_ladder": "the next level of an apprenticeship route you can take",
    "neighbours_name": "careers advisers name it from similar jobs",
    "destination_named_share": "many careers paths lead to this job",
}


def main_factor(model, features: pd.DataFrame) -> np.ndarray:
    """Per pair, the explainable feature that adds most to its score (standardised value x coefficient), in
    words (FACTOR_WORDS), or None when none adds anything."""
    *prepare, classifier = model
    z = np.asarray(_matrix(features), dtype=float)
    for step in prepare:
        z = step.transform(z)
    contribution = z * classifier.coef_[0]
    words = [FACTOR_WORDS.get(f) for f in MODEL_FEATURES]
    contribution[:, [w is None for w in words]] = -np.inf
    # "it oversees work like yours" is said only of a lead above the origin's level: a manager group's
    # wording resembles another manager group's, which is not managing their work
    above = features.destination_lead.to_numpy() > features.origin_lead.to_numpy()
    contribution[~above, MODEL_FEATURES.index("oversees_origin")] = -np.inf
    best = contribution.argmax(axis=1)
    return np.array([words[b] if contribution[i, b] > 0 else None for i, b in enumerate(best)], dtype=object)


def score(model, features: pd.DataFrame) -> np.ndarray:
    """features: pair features with the label evidence of every labelled origin (`with_label_evidence`)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return np.round(model.predict_proba(_matrix(features))[:, 1], 6)
