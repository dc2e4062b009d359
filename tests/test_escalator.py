"""Escalator transitions on the real data: spot checks a careers adviser would accept."""

import pandas as pd
import pytest

from assets.escalator.text import text_similarity
from expectations.suites import dbt_var
from tests.conftest import ROOT


def _steps(warehouse, origin: str) -> pd.DataFrame:
    return warehouse.execute(
        "select * from published.fct_escalator_transitions where origin_soc2020 = ? and step_type is not null", [origin]
    ).df()


def test_a_degree_typical_step_states_the_route_that_needs_no_prior_degree(warehouse):
    steps = warehouse.execute("""
        select t.origin_soc2020, t.destination_soc2020, t.destination_no_degree_route, t.why
        from published.fct_escalator_transitions t
        join intermediate.int_soc_occupations d on d.soc2020 = t.destination_soc2020
        where t.step_type is not null and (d.graduate_entry or t.destination_degree_only)""").df()
    assert len(steps) > 0  # the learned steps reach degree-typical work by other routes
    assert steps.destination_no_degree_route.all()
    assert steps.why.str.contains("no prior degree needed").all(), steps[~steps.why.str.contains("no prior degree")]


def test_no_step_from_groups_6_to_9_lands_on_chief_executives_or_armed_forces(warehouse):
    bad = warehouse.execute("""
        select origin_soc2020, destination_soc2020 from published.fct_escalator_transitions
        where step_type is not null and left(origin_soc2020, 1) in ('6', '7', '8', '9')
          and destination_soc2020 in ('1111', '1112', '1161', '3311')""").fetchall()
    assert bad == []


def test_pay_never_falls_in_a_get_up_step(warehouse):
    worst = warehouse.execute(
        "select min(uplift_pct), min(destination_pay - origin_pay) "
        "from published.fct_escalator_transitions where step_type = 'get up'"
    ).fetchone()
    assert worst[0] > 0 and worst[1] > 0


def test_similarity_covers_every_pair_and_is_symmetric(warehouse):
    n, asym, lo, hi = warehouse.execute("""
        select count(*), max(abs(a.similarity - b.similarity)), min(a.similarity), max(a.similarity)
        from intermediate.int_soc_similarity a
        join intermediate.int_soc_similarity b
          on a.origin_soc2020 = b.destination_soc2020 and a.destination_soc2020 = b.origin_soc2020""").fetchone()
    assert n == 412 * 411
    assert asym < 1e-3 and 0 <= lo and hi <= 1


def test_suppressed_pay_falls_back_to_the_minor_group_with_a_flag(warehouse):
    rows = warehouse.execute("""
        select o.pay_level, o.median_annual_pay, p.median_pay_gbp
        from intermediate.int_soc_occupations o
        join staging.stg_ashe__pay p on p.soc2020_code = o.soc2020_minor
         and p.pay_basis = 'annual' and p.workforce = 'full_time'
        where o.pay_level like 'minor group%'""").fetchall()
    assert rows, "ASHE 2023p suppresses some unit groups: there should be fallbacks"
    assert all(level.startswith("minor group") and ours == minor for level, ours, minor in rows)
    assert (
        warehouse.execute(
            "select count(*) from intermediate.int_soc_occupations where median_annual_pay is null"
        ).fetchone()[0]
        == 0
    )


def test_a_suppressed_median_is_estimated_from_the_groups_own_mean_and_that_estimate_beats_the_parent(warehouse):
    """Where ASHE suppresses a unit group's median but publishes its mean, the median is the mean x the
    group's hourly median / hourly mean (pay_level says so), not the parent group's median, which for a
    supervisors' group is mostly their workers' pay. The same estimate, made for the groups whose median
    ASHE does publish, is closer to it than the parent's median."""
    ft = """(select soc2020_code c, max(median_pay_gbp) filter (where pay_basis = 'annual') am,
                max(mean_pay_gbp) filter (where pay_basis = 'annual') amean,
                max(median_pay_gbp) filter (where pay_basis = 'hourly') hm,
                max(mean_pay_gbp) filter (where pay_basis = 'hourly') hmean
             from staging.stg_ashe__pay where workforce = 'full_time' group by 1)"""
    estimated = warehouse.execute(
        f"select o.median_annual_pay, round(f.amean * f.hm / f.hmean) from intermediate.int_soc_occupations o "
        f"join {ft} f on f.c = o.soc2020 where o.pay_level like 'unit group estimate%hourly%'"
    ).fetchall()
    assert len(estimated) >= 10 and all(ours == expected for ours, expected in estimated)
    # with no hourly figures, the nearest parent's median / mean shapes the mean
    shaped = warehouse.execute(
        f"""select o.median_annual_pay,
                   round(u.amean * coalesce(m.am / m.amean, s.am / s.amean, j.am / j.amean))
            from intermediate.int_soc_occupations o join {ft} u on u.c = o.soc2020
            left join {ft} m on m.c = o.soc2020_minor left join {ft} s on s.c = o.soc2020_sub_major
            left join {ft} j on j.c = o.soc2020_major
            where o.pay_level like 'unit group estimate%parent%'"""
    ).fetchall()
    assert len(shaped) >= 10 and all(ours == expected for ours, expected in shaped)
    errors = warehouse.execute(
        f"""select median(abs(u.amean * u.hm / u.hmean / u.am - 1)), median(abs(coalesce(m.am, s.am) / u.am - 1))
            from intermediate.int_soc_occupations o join {ft} u on u.c = o.soc2020
            left join {ft} m on m.c = o.soc2020_minor left join {ft} s on s.c = o.soc2020_sub_major
            where o.pay_level = 'unit group' and u.hmean > 0 and u.amean > 0"""
    ).fetchone()
    assert errors[0] < errors[1]


def test_a_missing_job_count_is_estimated_from_the_parent_group_not_read_as_zero(warehouse):
    """ASHE gives no job count for many unit groups: each gets an even share of what its minor group's count
    leaves after the counted unit groups (or a coarser parent's), so a minor group's sizes add up to its count."""
    occ = warehouse.execute(
        "select soc2020, soc2020_minor, uk_jobs_thousands, uk_jobs_estimated, uk_jobs_level "
        "from intermediate.int_soc_occupations"
    ).df()
    minor = warehouse.execute(
        "select soc2020_code, n_jobs_thousands from staging.stg_ashe__pay where pay_basis = 'annual' "
        "and workforce = 'all_employees' and soc_level = 3 and n_jobs_thousands is not null"
    ).df()
    assert occ.uk_jobs_estimated.notna().all() and occ.uk_jobs_thousands.isna().any()
    counted = occ.uk_jobs_thousands.notna()
    assert (occ.uk_jobs_estimated[counted] == occ.uk_jobs_thousands[counted]).all()
    assert set(occ.uk_jobs_level[counted]) == {"unit group"}
    shared = occ[occ.uk_jobs_level == "minor group remainder"]
    assert len(shared) > 0
    checked = 0
    for code, n in zip(minor.soc2020_code, minor.n_jobs_thousands):
        group = occ[occ.soc2020_minor == code]
        if group.soc2020.isin(shared.soc2020).any() and group.uk_jobs_thousands.sum() <= n:
            assert abs(group.uk_jobs_estimated.sum() - n) < 0.01 * len(group), code
            assert group.uk_jobs_estimated[group.uk_jobs_thousands.isna()].nunique() == 1, code  # an even share
            checked += 1
    assert checked > 0  # the sums were compared, not skipped


def test_pathways_by_area_ranks_top_three_per_la(warehouse):
    per_la = warehouse.execute("""
        select la_code, count(distinct origin_soc2020), max(step_rank)
        from published.fct_escalator_pathways_by_area group by 1""").fetchall()
    assert len(per_la) == 17
    assert all(ranks <= 3 and origins > 300 for _, origins, ranks in per_la)


def test_pathways_cli_for_care_worker(warehouse, refreshed, capsys):
    out = _pathways("care worker", capsys)
    assert "6135 Care workers and home carers" in out
    best = warehouse.execute(
        "select destination_title from published.fct_escalator_transitions "
        "where origin_soc2020 = '6135' and step_type = 'get up' and step_rank = 1"
    ).fetchone()[0]
    assert "get up" in out and best[:44] in out and "why: " in out


def test_text_similarity_falls_back_to_tfidf_without_shipped_vectors(tmp_path):
    groups = pd.read_csv(ROOT / "data/embedded/soc/soc2020_unit_groups.csv", dtype=str, keep_default_na=False)
    groups = groups.rename(columns={"soc2020_unit_group": "soc2020"}).head(40)
    frame, engine = text_similarity(groups, "shipped", tmp_path)  # no vectors in tmp_path
    assert engine == "tfidf"
    assert len(frame) == 40 * 39 and frame.text_similarity.between(0, 1).all()
    pairs = frame.set_index(["origin_soc2020", "destination_soc2020"]).text_similarity
    # two kinds of chief executive are closer to each other than to a farmer
    assert pairs[("1111", "1112")] > pairs[("1111", groups.soc2020.iloc[-1])]


ADVISER_TITLES = [
    "care worker",
    "healthcare assistant",
    "sales assistant",
    "kitchen assistant",
    "cleaner",
    "warehouse operative",
    "security officer",
    "HGV driver",
    "receptionist",
]


# what only careers-adviser evidence puts in a step's reasons (fct_escalator_transitions.why)
ADVISER_EVIDENCE = (
    "the National Careers Service names this move|careers advisers name this move from similar jobs|"
    "NCS says people start in your job|you would supervise the work you do now|you would manage the work"
)


@pytest.mark.parametrize("title", ADVISER_TITLES)
def test_entry_jobs_have_a_route_into_work_and_a_first_rung_advisers_recognise(warehouse, coder, title):
    """The title as a person types it, coded by the project's coder: a route into work, and where adviser
    evidence backs a get-up step (NCS names it, advisers name it from similar jobs, NCS says people start
    in this job, or it supervises or manages the work done now), one such step among the origin's ten best.
    Which step that is, is the model's choice: no destination is named here."""
    origin = coder.code(title).soc2020
    steps = _steps(warehouse, origin)
    on = steps[steps.step_type == "get on"]
    # a route into work: paid (any job beats being out of work), entered directly or by a short route
    assert len(on) >= 1 and (on.destination_pay > 0).all() and on.destination_short_entry.all()
    assert on.learning_route.notna().any()
    first = steps[(steps.step_type == "get up") & (steps.origin_rank <= 10)]
    assert (first.uplift_pct > 0).all()
    # where advisers' evidence backs any rung, the best-ranked such rung is among the ten best steps
    backed = steps[(steps.step_type == "get up") & steps.why.str.contains(ADVISER_EVIDENCE)]
    assert backed.empty or backed.origin_rank.min() <= 10, backed[["destination_title", "origin_rank", "why"]]


def test_all_but_one_of_the_entry_jobs_have_a_rung_advisers_back(warehouse, coder):
    """Adviser evidence backs a get-up step for all these jobs but HGV drivers: the NCS file has no career
    path for them and no profile says people start as one; the text match "you would manage the work you
    do now" with hire services managers was a get-up only while their pay was borrowed from their parent
    group (38,410; their own mean gives 35,294, below HGV drivers' 37,270: now a sideways move)."""
    lacking = []
    for title in ADVISER_TITLES:
        steps = _steps(warehouse, coder.code(title).soc2020)
        if not steps[(steps.step_type == "get up") & steps.why.str.contains(ADVISER_EVIDENCE)].shape[0]:
            lacking.append(title)
    assert len(lacking) <= 1, lacking


def test_get_on_covers_at_least_15_destinations(warehouse):
    n = warehouse.execute(
        "select count(distinct destination_soc2020) from published.fct_escalator_transitions where step_type = 'get on'"
    ).fetchone()[0]
    assert n >= 15


def test_top_steps_break_no_hard_rule(warehouse):
    from benchmarks.escalator_steps import rule_breaks

    steps = warehouse.execute(
        "select * from published.fct_escalator_transitions where step_type is not null and step_rank <= 10"
    ).df()
    groups = warehouse.execute(
        "select soc2020, soc2020_title, graduate_entry from intermediate.int_soc_occupations"
    ).df()
    broken = steps[rule_breaks(steps, groups)]
    assert broken.empty, broken[["origin_title", "destination_title", "step_type", "uplift_pct"]]


def test_step_score_orders_each_origins_steps(warehouse):
    bad = warehouse.execute("""
        select origin_soc2020 from (
            select origin_soc2020, origin_rank, step_score,
                   lag(step_score) over (partition by origin_soc2020 order by origin_rank) as previous
            from published.fct_escalator_transitions where step_type is not null)
        where step_score > previous""").fetchall()
    assert bad == []


def test_ladder_rungs_are_get_up_steps_from_the_rung_below(warehouse):
    ladders = warehouse.execute("select * from published.fct_escalator_ladders").df()
    up = set(
        map(
            tuple,
            warehouse.execute(
                "select origin_soc2020, destination_soc2020 from "
                "published.fct_escalator_transitions where step_type = 'get up'"
            ).fetchall(),
        )
    )
    assert len(ladders) > 100
    for r in ladders.itertuples():
        rungs = [r.origin_soc2020, r.rung1_soc2020, r.rung2_soc2020] + ([r.rung3_soc2020] if r.n_rungs == 3 else [])
        assert all((a, b) in up for a, b in zip(rungs, rungs[1:])), rungs
        assert len(set(rungs)) == len(rungs)
        top = r.rung3_pay if r.n_rungs == 3 else r.rung2_pay
        # DuckDB rounds halves away from zero, Python to even: within half a unit of the last place
        assert abs(r.cumulative_uplift_pct - 100 * (top - r.origin_pay) / r.origin_pay) <= 0.05 + 1e-9
    # every rung stays in the line of work of the rung below it (UK descriptions alike)
    rung_similarity = warehouse.execute("""
        select min(t.uk_similarity) from published.fct_escalator_ladders l
        join published.fct_escalator_transitions t
          on (t.origin_soc2020, t.destination_soc2020) in ((l.origin_soc2020, l.rung1_soc2020),
                                                           (l.rung1_soc2020, l.rung2_soc2020))""").fetchone()[0]
    assert rung_similarity >= dbt_var("escalator_ladder_uk_similarity")


def test_ncs_profiles_map_to_the_soc_2020_group_they_describe():
    from assets.escalator.careers import map_profiles
    from assets.jobads.soc_coder import SocCoder

    soc = ROOT / "data/embedded/soc"
    profiles = pd.read_csv(ROOT / "data/embedded/careers/ncs_job_profiles.csv", dtype=str, keep_default_na=False)
    proportions = pd.read_csv(soc / "ons_soc2010_to_soc2020_proportions.csv", dtype={"soc2010": str, "soc2020": str})
    coder = SocCoder.from_files(soc / "soc2020_coding_index.csv", soc / "soc2020_unit_groups.csv")
    wanted = {
        "care-worker": "6135",
        "senior-care-worker": "6136",
        "kitchen-assistant": "9263",
        "healthcare-assistant": "6131",
        "care-home-manager": "1232",
    }
    mapped = map_profiles(profiles[profiles.url_name.isin(wanted)], proportions, coder).set_index("url_name")
    assert mapped.soc2020.to_dict() == wanted


def test_pathways_cli_shows_routes_barriers_and_ladders(warehouse, refreshed, capsys):
    out = _pathways("kitchen assistant", capsys)
    assert "9263 Kitchen and catering assistants" in out
    assert "route: " in out and "barriers: " in out and "get on" in out and "get up" in out
    assert "Ladders" in out and " -> " in out


def test_a_profile_that_fits_no_soc_2020_group_is_quarantined_with_its_reason(tmp_path):
    """The careers asset on a warehouse holding one real profile and one whose SOC 2010 code is bogus and
    whose title codes to nothing: the second is quarantined naming the field, not silently left out."""
    import dagster as dg
    import duckdb
    from dagster_duckdb import DuckDBResource

    from assets.escalator.assets import derived_ncs_profile_soc2020
    from assets.platform.csv_loader import load_csv
    from assets.reference.assets import REFERENCE_TABLES
    from orchestration.settings import EMBEDDED_DIR

    path = tmp_path / "w.duckdb"
    specs = {s.name: s for s in REFERENCE_TABLES}
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema raw")
        for name in ("soc2020_coding_index", "soc2020_unit_groups", "soc2010_soc2020_proportions"):
            frame = load_csv(EMBEDDED_DIR / specs[name].path, specs[name]).frame
            conn.register("f", frame)
            conn.execute(f"create table raw.{name} as select * from f")
            conn.unregister("f")
        conn.execute(
            "create table raw.ncs_job_profiles as select * from (values "
            "('care-worker', 'Care worker', '6145'), ('zz', 'Zzyzx qwerty', '0000')) t(url_name, title, soc2010)"
        )
    dg.materialize([derived_ncs_profile_soc2020], resources={"warehouse": DuckDBResource(database=str(path))})
    with duckdb.connect(str(path), read_only=True) as conn:
        mapped = dict(conn.execute("select url_name, soc2020 from derived.ncs_profile_soc2020").fetchall())
        quarantined = conn.execute(
            "select record_id, field, reason from raw.quarantine where source = 'ncs_profile_soc2020'"
        ).fetchall()
    assert mapped == {"care-worker": "6135", "zz": None}
    assert len(quarantined) == 1 and quarantined[0][:2] == ("url_name=zz", "soc2010")
    assert "0000" in quarantined[0][2]


def _pathways(occupation: str, capsys) -> str:
    """`escalator pathways <occupation>`, run by the CLI's main in this process (the real command's start is
    covered by tests/test_cli_errors.py)."""
    from orchestration.cli import main

    assert main(["pathways", occupation]) == 0
    return capsys.readouterr().out


def test_a_ladder_with_estimated_pay_earns_no_uplift_bonus_but_keeps_its_place_by_score(warehouse):
    """ladder_rank follows ladder_score; the uplift multiplies the score only when every rung's pay is
    measured for its unit group, so a ladder through an estimated pay scores its steps alone (at most 1)
    and can still lead its origin's list (it is not sent to the back)."""
    rows = warehouse.execute(
        "select origin_soc2020, n_rungs, ladder_rank, ladder_score, all_pay_measured "
        "from published.fct_escalator_ladders order by origin_soc2020, n_rungs, ladder_rank"
    ).df()
    for _, group in rows.groupby(["origin_soc2020", "n_rungs"]):
        assert group.ladder_score.is_monotonic_decreasing
    estimated = rows[~rows.all_pay_measured]
    assert len(estimated) and (estimated.ladder_score <= 1).all()
    assert (estimated.ladder_rank == 1).any()


def test_only_a_lead_above_the_origins_level_is_said_to_oversee_its_work(warehouse):
    """ "You would manage the work you do now" is never said to a manager (another managers' group reads
    alike, but does not manage their work), nor "you would supervise" to a supervisor or manager; the
    model's leaning is never "it oversees work like yours" there either. Workers still hear it."""
    rows = warehouse.execute(
        "select t.why, s.main_factor, s.origin_lead, s.destination_lead from published.fct_escalator_transitions t "
        "join derived.escalator_step_scores s using (origin_soc2020, destination_soc2020) "
        "where t.why like '%the work you do now%' or s.main_factor = 'it oversees work like yours'"
    ).fetchall()
    said = [(why, o, d) for why, _, o, d in rows if "the work you do now" in why]
    assert said and any(o == 0 for _, o, _ in said)
    assert all(o < d for _, o, d in said), [r for r in said if r[1] >= r[2]][:3]
    assert all(o < d for _, factor, o, d in rows if factor == "it oversees work like yours")
