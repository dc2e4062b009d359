"""The SOC coder's learned model: it reads word forms the index spells otherwise, it is trained once and
loaded from its cache after, and its agreement with the rules moves the coder's confidence."""

import pandas as pd

from assets.jobads import title_model
from assets.jobads.soc_coder import calibration_features

TINY_INDEX = pd.DataFrame(
    {
        "job_title": ["care assistant", "care worker", "home carer", "chef", "cook", "kitchen porter", "sous chef"],
        "soc2020": ["6135", "6135", "6135", "5434", "5435", "9263", "5434"],
        "qualifier": ["", "", "", "", "", "", ""],
    }
)


def test_character_ngrams_read_a_misspelt_title():
    model = title_model.TitleModel.train(*title_model.training_set(TINY_INDEX, None))
    assert model.top(["Carer Assistent"])[0][0] == "6135"
    assert model.top(["Head Cheff"])[0][0] == "5434"


def test_a_trained_model_is_cached_and_loaded_not_trained_again(tmp_path, monkeypatch):
    first = title_model.load_or_train(TINY_INDEX, None, tmp_path)
    cached = list(tmp_path.glob("soc_title_model-*.joblib"))
    assert len(cached) == 1

    def no_training(*args, **kwargs):
        raise AssertionError("the cached model should have been loaded")

    monkeypatch.setattr(title_model.TitleModel, "train", no_training)
    second = title_model.load_or_train(TINY_INDEX, None, tmp_path)
    assert (second.coef == first.coef).all() and list(second.classes) == list(first.classes)
    # other training data: another key, so never a stale model
    other = TINY_INDEX.assign(soc2020=TINY_INDEX.soc2020.replace({"5435": "5434"}))
    assert title_model.model_key(*title_model.training_set(other, None)) != cached[0].stem.split("-")[1]


def test_agreeing_with_the_model_raises_the_calibrated_confidence(coder):
    """Same rules reading and model margin, agreement on or off: the shipped calibration must rank the
    agreeing code as more likely right (that is what it was fitted to say)."""
    agree = coder._calibrated(0.92, 0.5, True, "rules")
    disagree = coder._calibrated(0.92, 0.5, False, "rules")
    assert 0 <= disagree < agree <= 1
    assert set(calibration_features(0.92, 0.5, True, "rules")) <= set(title_model_weights())


def title_model_weights() -> dict:
    from assets.jobads.soc_coder import _CALIBRATION

    return _CALIBRATION["weights"]


def test_training_twice_gives_the_same_weights():
    a = title_model.TitleModel.train(*title_model.training_set(TINY_INDEX, None))
    b = title_model.TitleModel.train(*title_model.training_set(TINY_INDEX, None))
    assert (a.coef == b.coef).all() and (a.intercept == b.intercept).all()
