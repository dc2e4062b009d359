"""The escalator's learned ranker: label extraction, observed moves, folds, label evidence without leakage,
and held-out accuracy above the similarity baseline on the refreshed warehouse."""

import numpy as np
import pandas as pd
import pytest

from assets.escalator import ranker
from assets.escalator.career_paths import clean_phrase, named_jobs
from assets.escalator.mobility import uk_to_us_weights, uk_transition_shares


def test_named_jobs_reads_the_list_after_a_verb_of_moving():
    text = (
        "With experience, you could become a team supervisor, estimator or contracts manager. "
        "You could also train to work as a maintenance engineer, servicing the production line."
    )
    assert named_jobs(text) == ["team supervisor", "estimator", "contracts manager", "maintenance engineer"]


@pytest.mark.parametrize(
    "part, phrase",
    [
        ("a senior role like site supervisor", "site supervisor"),
        ("a supervisory role", "supervisory"),
        ("general construction management", "management"),
        ("an events manager.", "events manager"),
    ],
)
def test_clean_phrase_keeps_the_job_and_drops_the_lead_in(part, phrase):
    assert clean_phrase(part) == phrase


def test_self_employment_and_training_are_not_jobs():
    assert named_jobs("You could become self-employed, or move into teaching or a trainee programme.") == []


def test_us_moves_reach_uk_groups_through_the_crosswalk_weights():
    """Two UK groups on two US occupations; A splits its weight 3:1 over them. US 'a' workers move to 'b'
    at 10% a year (90% stay: staying is not a move). A -> B gets 0.75 x 10% x (B's share of b = 1)."""
    transitions = pd.DataFrame(
        {
            "OCC_source": ["11-0001", "11-0001", "22-0002"],
            "OCC_target": ["11-0001", "22-0002", "22-0002"],
            "transition_prob_BLS_ASECnorm_corr": [0.9, 0.1, 1.0],
        }
    )
    crosswalk = pd.DataFrame(
        {
            "uk_soc2020": ["1000", "1000", "2000"],
            "onet_soc2019_code": ["11-0001.00", "22-0002.00", "22-0002.00"],
            "weight": [0.75, 0.25, 1.0],
        }
    )
    taxonomy = pd.DataFrame(
        {"soc2010_code": ["11-0001.00", "22-0002.00"], "soc2019_code": ["11-0001.00", "22-0002.00"]}
    )
    weights = uk_to_us_weights(crosswalk, taxonomy, {"11-0001", "22-0002"})
    shares = uk_transition_shares(transitions, weights, ["1000", "2000"]).set_index(
        ["origin_soc2020", "destination_soc2020"]
    )
    # B's share of US 'b' is 1 / (1 + 0.25) of b's crosswalk weight: the many-to-many split is kept
    assert shares.loc[("1000", "2000"), "us_share"] == pytest.approx(0.75 * 0.1 * (1.0 / 1.25), rel=1e-4)
    assert shares.loc[("2000", "1000"), "us_share"] == 0  # b's workers never move to a
    assert shares.us_observed.all()


def test_folds_keep_each_origin_whole_and_use_every_fold():
    origins = pd.Series([f"{i:04d}" for i in range(40) for _ in range(3)])
    fold = ranker.folds(origins)
    per_origin = pd.DataFrame({"o": origins, "f": fold}).groupby("o").f.nunique()
    assert (per_origin == 1).all() and set(fold) == set(range(ranker.FOLDS))


def test_label_evidence_never_includes_the_rows_own_label():
    """Origins A and B are each other's only neighbour. A names X; B names nothing. A's own row must not
    see its own label; B's row sees A's."""
    pairs = pd.DataFrame({"origin_soc2020": ["A", "B"], "destination_soc2020": ["X", "X"]})
    similarity = pd.DataFrame(
        {
            "origin_soc2020": ["A", "B", "A", "B"],
            "destination_soc2020": ["B", "A", "X", "X"],
            "similarity": [0.9, 0.9, 0.1, 0.1],
        }
    )
    moves = pd.DataFrame({"origin_soc2020": ["A"], "destination_soc2020": ["X"]})
    out = ranker.with_label_evidence(pairs, moves, similarity, {"A", "B"}).set_index("origin_soc2020")
    assert out.loc["A", "neighbours_name"] == 0 and out.loc["A", "destination_named_share"] == 0
    assert out.loc["B", "neighbours_name"] == 1 and out.loc["B", "destination_named_share"] == 1


def test_held_out_ranker_beats_similarity_alone(warehouse):
    """Grouped folds on the refreshed warehouse: the learned ranker puts more of the moves NCS names in an
    unseen origin's top 10 than similarity alone does."""
    features, moves, similarity = ranker.training_inputs(warehouse)
    rows = ranker.labelled(features, moves)
    _, learned = ranker.cross_validated(rows, moves, similarity)
    baseline = ranker.top_k_metrics(rows, rows.similarity.fillna(0).to_numpy())
    assert learned["recall@10"] > baseline["recall@10"] + 0.1, (learned, baseline)


def test_scores_cover_every_pair_and_the_training_is_recorded(warehouse, refreshed):
    import dagster as dg

    n, lo, hi = warehouse.execute(
        "select count(*), min(step_score), max(step_score) from derived.escalator_step_scores"
    ).fetchone()
    assert n == 412 * 411 and 0 <= lo < hi <= 1
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["derived", "escalator_step_scores"]))
    meta = event.asset_materialization.metadata
    assert meta["training_positives"].value > 100 and 0 < meta["heldout_recall_at_10"].value <= 1
    assert "similarity" in meta["features"].value and np.isfinite(list(meta["coefficients"].value.values())).all()


def test_training_twice_on_the_same_data_scores_identically(warehouse):
    """Seeded, one thread: two refreshes on the same data publish the same steps."""
    features, moves, similarity = ranker.training_inputs(warehouse)
    features = features[features.origin_soc2020 < "5000"]  # half the origins: the same check, half the time
    moves = moves[moves.origin_soc2020 < "5000"]
    rows = ranker.labelled(features, moves)
    scores = []
    for _ in range(2):
        trained = ranker.train(rows, moves, similarity)
        scored = ranker.with_label_evidence(features, moves, similarity, set(rows.origin_soc2020))
        scores.append(ranker.score(trained.model, scored))
    assert np.array_equal(scores[0], scores[1])


def test_lead_groups_are_the_ones_ons_titles_name_as_supervising_or_managing():
    """structure.lead_kinds on the real unit groups: every group ONS titles as supervisors (and senior care
    workers, whose title names the level) leads as a supervisor; major group 1 manages; nothing else leads
    except where ONS's description says it supervises."""
    import pandas as pd

    from assets.escalator.structure import lead_kinds
    from orchestration.settings import EMBEDDED_DIR

    groups = pd.read_csv(EMBEDDED_DIR / "soc/soc2020_unit_groups.csv", dtype=str, keep_default_na=False)
    groups = groups.rename(columns={"soc2020_unit_group": "soc2020"})
    kinds = lead_kinds(groups)
    titled = groups.soc2020[groups.soc2020_title.str.contains("supervisors") & ~groups.soc2020.str.startswith("1")]
    assert len(titled) >= 8 and (kinds[titled] == "supervisor").all()
    assert kinds["6136"] == "supervisor" and kinds["6135"] == ""  # senior care workers lead care workers
    says = groups.description.str.contains("directly supervise|supervise and co-?ordinate", case=False)
    others = groups.soc2020[~groups.soc2020.isin(titled) & ~groups.soc2020.str.startswith("1") & ~says]
    assert (kinds[others].isin(["", "supervisor"])).all() and (kinds[others] == "supervisor").sum() <= 2
    managers = groups.soc2020[groups.soc2020.str.startswith("1") & ~groups.soc2020_title.str.contains("n.e.c")]
    assert (kinds[managers] == "manager").mean() > 0.9


def test_a_lead_groups_own_seniority_is_its_own_group_so_it_is_no_move():
    """structure.leads on the real unit groups: "management" from a manager's career path names the group
    the manager is in (no move, so no label), never the nearest other managers' group; a worker's names the
    group that oversees their work."""
    import pandas as pd

    from assets.escalator.structure import lead_kinds, leads, oversight
    from orchestration.settings import EMBEDDED_DIR

    groups = pd.read_csv(EMBEDDED_DIR / "soc/soc2020_unit_groups.csv", dtype=str, keep_default_na=False)
    groups = groups.rename(columns={"soc2020_unit_group": "soc2020"}).assign(soc2020_major=lambda g: g.soc2020.str[0])
    kinds = lead_kinds(groups)
    found = leads(groups, oversight(groups))
    for soc, kind in kinds[kinds != ""].items():
        assert found[(soc, kind)] == soc, soc
    others = {(o, k): d for (o, k), d in found.items() if kinds[o] != k}
    assert others and all(d != o and kinds[d] == k for (o, k), d in others.items())


def test_the_coding_index_lets_a_supervisors_group_oversee_work_its_description_never_names():
    """structure.oversight on the real unit groups and coding index: ONS describes production supervisors
    (8160) without a word process operatives' descriptions use, so by description alone they oversee none
    of minor group 811; by the job titles the index codes to both ("supervisor (food products mfr)",
    "operative (food products mfr)") they oversee them. The index only ever raises a supervisory group's
    column, within its own major group; managers keep the description alone."""
    import pandas as pd

    from assets.escalator.structure import lead_kinds, oversight
    from assets.transform.project import dbt_var
    from orchestration.settings import EMBEDDED_DIR

    groups = pd.read_csv(EMBEDDED_DIR / "soc/soc2020_unit_groups.csv", dtype=str, keep_default_na=False)
    groups = groups.rename(columns={"soc2020_unit_group": "soc2020"}).assign(soc2020_major=lambda g: g.soc2020.str[0])
    index = pd.read_csv(EMBEDDED_DIR / "soc/soc2020_coding_index.csv", dtype=str, keep_default_na=False)
    text, both = oversight(groups), oversight(groups, index)
    codes = groups.soc2020.tolist()
    least = float(dbt_var("escalator_oversees_origin"))
    process = [codes.index(c) for c in codes if c.startswith("811")]
    supervisors = codes.index("8160")
    kinds = lead_kinds(groups).to_numpy()
    supervising = np.flatnonzero(kinds == "supervisor")
    assert (text[process, supervisors] < least).all()
    assert (supervising[both[process][:, supervising].argmax(axis=1)] == supervisors).all()
    assert (both[process, supervisors] >= least).mean() > 0.5
    raised = both > text
    assert raised.any() and (kinds[np.nonzero(raised)[1]] == "supervisor").all()
    rows, cols = np.nonzero(raised)
    assert (groups.soc2020_major.to_numpy()[rows] == groups.soc2020_major.to_numpy()[cols]).all()
    assert (both >= text).all()


def test_the_main_factor_is_the_explainable_feature_that_adds_most_to_the_score():
    """A model whose labels follow pay names pay for a well-paid pair, never for a badly paid one (a feature
    that lowers the score is no reason); the major-group numbers have no words, so they are never named."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f: rng.normal(size=600) for f in ranker.MODEL_FEATURES})
    model = ranker.make_model().fit(ranker._matrix(frame), (frame.log_pay_ratio > 0.5).astype(int))
    zero = {f: 0.0 for f in ranker.MODEL_FEATURES}
    high, low = ranker.main_factor(model, pd.DataFrame([zero | {"log_pay_ratio": 3.0}, zero | {"log_pay_ratio": -3.0}]))
    assert high == ranker.FACTOR_WORDS["log_pay_ratio"] != low
    assert "origin_major" not in ranker.FACTOR_WORDS and "destination_major" not in ranker.FACTOR_WORDS


def test_a_step_no_single_reason_explains_says_what_the_model_leans_on(warehouse):
    """A get-up or move-across step with no checkable reason says so and names the evidence the score leans
    on most; a get-on step with none says it is an entry job with demand, not tied to the origin."""
    rows = warehouse.execute(
        "select t.why, s.main_factor, t.step_type from published.fct_escalator_transitions as t "
        "join derived.escalator_step_scores as s using (origin_soc2020, destination_soc2020) "
        "where t.why like 'no single reason%' or t.why like 'an entry job%'"
    ).fetchall()
    assert rows and {f for _, f, _ in rows} <= {*ranker.FACTOR_WORDS.values(), None}
    bare = [(why, factor) for why, factor, kind in rows if kind != "get on"]
    entry = [(why, factor) for why, factor, kind in rows if kind == "get on"]
    assert bare and entry
    assert all(why.startswith("no single reason") for why, _ in bare)
    assert all(why.startswith("an entry job open to people out of work") for why, _ in entry)
    assert all(why.endswith(f"it leans most on: {f}") if f else "leans" not in why for why, f in bare)
    assert all(why.endswith(f"ranked on: {f}") if f else "ranked" not in why for why, f in entry)
    assert any(factor for _, factor in bare)


def test_a_move_scored_below_chance_is_a_candidate_never_a_get_up_or_move_across_step(warehouse, refreshed):
    """Chance is the share of labelled pairs that are named moves (the score of a destination drawn at
    random), recorded in the asset's metadata; a get-up or move-across step scores at least that, and a pair
    the step rules allow but the model scores below it stays in the table as a candidate (null step_type)."""
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["derived", "escalator_step_scores"]))
    meta = event.asset_materialization.metadata
    chance = meta["chance_score"].value
    assert chance == round(meta["training_positives"].value / meta["training_rows"].value, 6)
    lowest = warehouse.execute(
        "select min(step_score) from published.fct_escalator_transitions where step_type in ('get up', 'move across')"
    ).fetchone()[0]
    assert lowest >= chance
    held_back = warehouse.execute(
        "select count(*) from published.fct_escalator_transitions as t "
        "join intermediate.int_escalator_step_rules as r using (origin_soc2020, destination_soc2020) "
        "where t.step_type is null and (r.is_get_up or r.is_move_across) and t.step_score < ?",
        [chance],
    ).fetchone()[0]
    assert held_back > 0  # the floor is what keeps them out, not the step rules


def test_a_step_on_an_apprenticeship_route_says_which(warehouse):
    """Where the ranker's apprenticeship evidence clears the reason bar (a shared standard, or a rung up a
    route sharing at least half its field words: dbt var), the published step names the route."""
    from assets.transform.project import dbt_var

    bar = float(dbt_var("escalator_reason_standard_ladder"))
    rows = warehouse.execute(
        "select t.why, s.standard_route, s.shared_standard = 1 or s.standard_ladder >= ? as linked "
        "from published.fct_escalator_transitions as t "
        "join derived.escalator_step_scores as s using (origin_soc2020, destination_soc2020)",
        [bar],
    ).fetchall()
    linked = [(why, route) for why, route, is_linked in rows if is_linked]
    assert linked and all(f"an apprenticeship route links the two: {route}" in why for why, route in linked)
    assert not any("apprenticeship route links" in why for why, _, is_linked in rows if not is_linked)
