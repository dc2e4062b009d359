-- Multi-rung ladders (care worker -> senior care worker -> care home manager): two or three get-up steps
-- in a row, each rung meeting the step rules from the rung below it (fct_escalator_transitions: uplift
-- cap, supervisory origin for management, no graduate entry), built from each rung's 10 best get-up steps
-- whose UK descriptions (ONS text, NCS tasks) are alike (uk_similarity >= var escalator_ladder_uk_similarity):
-- a ladder climbs one line of work.
-- A destination never repeats in a ladder. Ranked per origin by ladder_score = geometric mean of the
-- rungs' step_score (similar work, same field, modest rises) x (1 + cumulative uplift, capped at +60%);
-- the uplift counts only when every rung's pay is measured for its unit group (an estimate earns no bonus,
-- but does not send the ladder to the back: care worker -> senior care worker -> care home manager, whose
-- pay ASHE suppresses, is the ladder advisers draw). Top var escalator_ladders_per_origin per origin and length.
with up as (
    select origin_soc2020, destination_soc2020, destination_title, destination_pay, step_score as similarity,
           destination_pay_measured, learning_route, barriers
    from {{ ref('fct_escalator_transitions') }}
    where step_type = 'get up' and step_rank <= 10
      and uk_similarity >= {{ var('escalator_ladder_uk_similarity') }}  -- every rung in the same line of work
),
occ as (select soc2020, soc2020_title, median_annual_pay from {{ ref('int_soc_occupations') }}),
two as (
    select r1.origin_soc2020, r1.destination_soc2020 as rung1_soc2020, r2.destination_soc2020 as rung2_soc2020,
           cast(null as varchar) as rung3_soc2020, 2 as n_rungs,
           r1.similarity * r2.similarity as sim_product,
           r1.destination_pay_measured and r2.destination_pay_measured as all_pay_measured,
           r2.destination_pay as top_pay
    from up as r1
    inner join up as r2 on r2.origin_soc2020 = r1.destination_soc2020
    where r2.destination_soc2020 <> r1.origin_soc2020
),
three as (
    select t.origin_soc2020, t.rung1_soc2020, t.rung2_soc2020, r3.destination_soc2020, 3,
           t.sim_product * r3.similarity,
           t.all_pay_measured and r3.destination_pay_measured,
           r3.destination_pay
    from two as t
    inner join up as r3 on r3.origin_soc2020 = t.rung2_soc2020
    where {{ var('escalator_ladder_max_rungs') }} >= 3
      and r3.destination_soc2020 not in (t.origin_soc2020, t.rung1_soc2020)
),
ladders as (
    select l.*, round(100.0 * (l.top_pay - o.median_annual_pay) / o.median_annual_pay, 1) as cumulative_uplift_pct,
           round(l.top_pay - o.median_annual_pay) as cumulative_uplift_gbp,
           round(pow(l.sim_product, 1.0 / l.n_rungs)
                 * (1 + case when l.all_pay_measured
                             then least(greatest((l.top_pay - o.median_annual_pay) / o.median_annual_pay, 0), 0.6)
                             else 0 end), 4)
               as ladder_score
    from (select * from two union all select * from three) as l
    inner join occ as o on o.soc2020 = l.origin_soc2020
),
ranked as (
    select *, row_number() over (partition by origin_soc2020, n_rungs
                                 order by ladder_score desc,
                                          rung1_soc2020, rung2_soc2020, rung3_soc2020) as ladder_rank
    from ladders
)
select
    r.origin_soc2020,
    o.soc2020_title as origin_title,
    r.n_rungs,
    r.ladder_rank,
    r.rung1_soc2020,
    u1.destination_title as rung1_title,
    u1.destination_pay as rung1_pay,
    u1.learning_route as rung1_route,
    r.rung2_soc2020,
    u2.destination_title as rung2_title,
    u2.destination_pay as rung2_pay,
    u2.learning_route as rung2_route,
    r.rung3_soc2020,
    u3.destination_title as rung3_title,
    u3.destination_pay as rung3_pay,
    u3.learning_route as rung3_route,
    o.median_annual_pay as origin_pay,
    r.cumulative_uplift_pct,
    r.cumulative_uplift_gbp,
    r.all_pay_measured,
    r.ladder_score
from ranked as r
inner join occ as o on o.soc2020 = r.origin_soc2020
inner join up as u1 on u1.origin_soc2020 = r.origin_soc2020 and u1.destination_soc2020 = r.rung1_soc2020
inner join up as u2 on u2.origin_soc2020 = r.rung1_soc2020 and u2.destination_soc2020 = r.rung2_soc2020
left join up as u3 on u3.origin_soc2020 = r.rung2_soc2020 and u3.destination_soc2020 = r.rung3_soc2020
where r.ladder_rank <= {{ var('escalator_ladders_per_origin') }}
