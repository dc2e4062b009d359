"""Calibrate the SOC coder's confidence on the development half, and choose its review threshold.

Cross-fitting: the development titles are split in FOLDS parts by their split group (titles sharing a main
phrase or repeating one advert stay together: scripts/split_labelled_titles.py; groups shuffled with a
seed); each part is coded by a coder whose learned model was trained on the index plus the *other* parts
only, so the model's part in every development title is what it would be on a title it never saw in any
spelling. Five parts, not two: each fold's model then learns from 4/5 of the development titles, close to
the shipped model's all, so the calibration judges a model as strong as the one it calibrates (trained on
half, the model coded 84.9% of the development titles' main phrases; on 4/5, 86.4%: `python -m benchmarks
title_model_cv` prints both). Each title with a model part gives its
evidence (rules confidence, model margin, agreement, who decided: `SocCoder.evidence`) and whether the code
was right; a logistic regression on `calibration_features` (Platt scaling, generalised to those inputs)
maps evidence to the chance of being right. The review threshold is the lowest calibrated confidence at
which the unflagged development titles are at least TARGET_RIGHT right, provided at most MAX_FLAGGED of
titles are flagged (else the threshold that flags MAX_FLAGGED). Writes assets/jobads/soc_calibration.json.
The held-out half is not read here.

    .venv/bin/python -m scripts.calibrate_soc_coder
"""

import json

import numpy as np
import pandas as pd

from assets.jobads.soc_coder import CALIBRATION_FILE, SocCoder, calibration_features
from assets.jobads.soc_context import industry_words
from assets.jobads.title_model import TitleModel, load_labelled, training_set
from orchestration.settings import EMBEDDED_DIR
from scripts.split_labelled_titles import groups as split_groups

SEED = 20261206
FOLDS = 5
TARGET_RIGHT = 0.95
MAX_FLAGGED = 0.22


def development_folds(labelled: pd.DataFrame, folds: int = FOLDS) -> tuple[pd.DataFrame, np.ndarray]:
    """The development titles and each one's fold: split groups shuffled with SEED, dealt round the folds."""
    is_dev = (labelled.split == "dev").to_numpy()
    group = np.asarray(split_groups(labelled))[is_dev]
    unique = np.unique(group)
    fold_of = dict(zip(np.random.default_rng(SEED).permutation(unique), np.arange(len(unique)) % folds))
    return labelled[is_dev].reset_index(drop=True), np.array([fold_of[g] for g in group])


def cross_fitted_evidence(index: pd.DataFrame, groups: pd.DataFrame, labelled: pd.DataFrame) -> pd.DataFrame:
    dev, fold = development_folds(labelled)
    rows = []
    for k in range(FOLDS):
        model = TitleModel.train(*training_set(index, dev[fold != k]))  # the other folds; nothing held out
        coder = SocCoder(index, groups, model)
        for r in dev[fold == k].itertuples():
            ctx = industry_words(" ".join(x for x in (r.employer, r.category) if x))
            soc, _, method, ev = coder.evidence(r.title, ctx)
            if ev is not None:
                rows.append(
                    {
                        "title": r.title,
                        "method": method,
                        "right": soc == r.soc2020,
                        "model_right": coder._top(r.title)[0] == r.soc2020,
                        "rules_right": coder._rules_cached(r.title, ctx)[0] == r.soc2020,
                        **calibration_features(*ev),
                    }
                )
    return pd.DataFrame(rows)


def fit(evidence: pd.DataFrame) -> dict:
    from sklearn.linear_model import LogisticRegression

    names = [c for c in evidence.columns if c not in ("title", "method", "right", "model_right", "rules_right")]
    model = LogisticRegression(C=1.0, max_iter=1000).fit(evidence[names], evidence.right)
    p = model.predict_proba(evidence[names])[:, 1]
    threshold = choose_threshold(p, evidence.right.to_numpy())
    return {
        "weights": {"intercept": float(model.intercept_[0]), **{n: float(w) for n, w in zip(names, model.coef_[0])}},
        "review_below": threshold,
        "fitted_on": f"{len(evidence)} development titles, cross-fitted in {FOLDS} folds (seed {SEED})",
        "development_right_unflagged": float(evidence.right[p >= threshold].mean()),
        "development_flagged_share": float((p < threshold).mean()),
    }


def choose_threshold(p: np.ndarray, right: np.ndarray) -> float:
    for t in np.round(np.arange(0.30, 0.96, 0.01), 2):
        flagged = (p < t).mean()
        if flagged > MAX_FLAGGED:
            break
        if right[p >= t].mean() >= TARGET_RIGHT:
            return float(t)
    return float(np.round(np.quantile(p, MAX_FLAGGED), 2))


def main() -> None:
    index = pd.read_csv(EMBEDDED_DIR / "soc/soc2020_coding_index.csv", dtype=str, keep_default_na=False)
    groups = pd.read_csv(EMBEDDED_DIR / "soc/soc2020_unit_groups.csv", dtype=str, keep_default_na=False)[
        ["soc2020_unit_group", "soc2020_title"]
    ]
    evidence = cross_fitted_evidence(index, groups, load_labelled())
    result = fit(evidence)
    CALIBRATION_FILE.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    # how the coder's answer and the model's alone fare, by method and agreement (the reliability of each)
    print(
        evidence.groupby(["method", "agree"])[["right", "model_right", "rules_right"]].agg(["size", "mean"]).to_string()
    )
    print(
        f"cross-fitted development titles with a model part: coder {evidence.right.mean():.1%}, "
        f"rules alone {evidence.rules_right.mean():.1%}, model alone {evidence.model_right.mean():.1%} "
        "(the rules were written on these titles: their figure is optimistic)"
    )


if __name__ == "__main__":
    main()
