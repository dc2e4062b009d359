-- The escalator's moves from each SOC 2020 unit group: its best-scored destinations by the learned ranker
-- (derived/escalator_step_scores, assets/escalator/ranker.py: how likely careers advisers are to name the
-- move, from similarity, SOC structure, pay, routes in and observed moves), with pay, routes in, barriers
-- and local demand. Each origin keeps its var escalator_candidates_per_origin best plausible destinations
-- and its var escalator_get_on_per_origin best entry jobs open to people out of work.
-- One row per origin x destination x step_type; a candidate that is neither step appears once with a null
-- step_type. Rules (README "How the escalator decides"; thresholds are dbt vars):
--   never a step  chief executives and elected officers from outside management; the armed forces from
--                 outside protective services (the ranker's hard filters, `plausible`)
--   'get up', 'get on', 'move across'  the rules in int_escalator_step_rules (pay rises without a prior
--                 degree; a route into work for someone out of work; a sideways move at about the same pay);
--                 a get-up or move-across step also scores above chance (a destination drawn at random)
-- step_score (the ranker's probability) orders an origin's steps across types; step_rank within a type.
with occ as (select * from {{ ref('int_soc_occupations') }}),
scores as (select * from {{ ref('stg_escalator__step_scores') }}),
sim as (
    -- each origin's best-scored plausible destinations, plus its best-scored entry jobs (get on) however
    -- far down the list they sit, with the similarity facets to show
    select s.*, r.step_score, r.above_chance, r.named_by_ncs, r.neighbours_name, r.route_names_origin, r.us_share,
           r.oversees_origin, r.destination_lead, r.origin_lead, r.main_factor, r.shared_standard, r.standard_ladder,
           r.standard_route
    from {{ ref('int_soc_similarity') }} as s
    inner join scores as r using (origin_soc2020, destination_soc2020)
    inner join {{ ref('int_escalator_step_rules') }} as k using (origin_soc2020, destination_soc2020)
    where r.plausible
    qualify row_number() over (partition by s.origin_soc2020 order by r.step_score desc, s.destination_soc2020)
            <= {{ var('escalator_candidates_per_origin') }}
         or (k.is_get_on and row_number() over (partition by s.origin_soc2020, k.is_get_on
                                                order by r.step_score desc, s.destination_soc2020)
                             <= {{ var('escalator_get_on_per_origin') }})
),
careers as (select * from {{ ref('int_soc_careers') }}),
profiles as (select * from {{ ref('int_soc_skill_profiles') }}),
gaps as (
    -- the destination's most important skills and knowledge the origin rates lowest: what to build
    select origin_soc2020, destination_soc2020,
           string_agg(element_name, '; ' order by gap desc, element_name) as skills_to_build
    from (
        select s.origin_soc2020, s.destination_soc2020, d.element_name,
               d.importance - o.importance as gap,
               row_number() over (partition by s.origin_soc2020, s.destination_soc2020
                                  order by d.importance - o.importance desc, d.element_name) as rn
        from sim as s
        inner join profiles as d on d.soc2020 = s.destination_soc2020
        inner join profiles as o on o.soc2020 = s.origin_soc2020 and o.element_id = d.element_id
        where d.importance >= 3 and d.importance - o.importance >= 0.25
    ) as ranked
    where rn <= 3
    group by all
),
pairs as (
    select
        s.origin_soc2020,
        o.soc2020_title as origin_title,
        s.destination_soc2020,
        d.soc2020_title as destination_title,
        s.similarity,
        s.skills_similarity,
        s.knowledge_similarity,
        s.text_similarity,
        s.ncs_similarity,
        round({{ uk_similarity('s') }}, 4) as uk_similarity,
        s.similarity >= {{ var('escalator_viable_similarity') }} as similar_work,
        s.step_score,
        s.above_chance,
        s.named_by_ncs,
        s.neighbours_name,
        s.route_names_origin,
        s.us_share,
        s.oversees_origin,
        s.destination_lead,
        s.origin_lead,
        s.main_factor,
        s.shared_standard,
        s.standard_ladder,
        s.standard_route,
        o.median_annual_pay as origin_pay,
        d.median_annual_pay as destination_pay,
        o.pay_level as origin_pay_level,
        d.pay_level as destination_pay_level,
        d.pay_level = 'unit group' as destination_pay_measured,
        round(d.median_annual_pay - o.median_annual_pay, 0) as uplift_gbp,
        round(100.0 * (d.median_annual_pay - o.median_annual_pay) / o.median_annual_pay, 1) as uplift_pct,
        d.median_annual_pay >= (1 + {{ var('escalator_ome_uplift_pct') }} / 100) * o.median_annual_pay
            as meets_ome_uplift,
        o.job_zone as origin_job_zone,
        d.job_zone as destination_job_zone,
        round(d.job_zone - o.job_zone, 2) as job_zone_change,
        d.graduate_entry as destination_graduate_entry,
        g.skills_to_build,
        c.ncs_title as destination_ncs_title,
        c.ncs_url as destination_ncs_url,
        c.ncs_starter_salary as destination_ncs_starter_salary,
        c.learning_route,
        c.barriers,
        coalesce(c.short_entry, false) as destination_short_entry,
        coalesce(c.degree_only, false) as destination_degree_only,
        coalesce(c.no_degree_route, false) as destination_no_degree_route,
        c.degree_apprenticeship as destination_degree_apprenticeship,
        c.apprenticeship_years as destination_apprenticeship_years,
        d.local_adverts_recent as destination_local_adverts_recent,
        d.local_adverts_live as destination_local_adverts_live,
        d.median_advertised_pay as destination_median_advertised_pay,
        d.uk_jobs_thousands as destination_uk_jobs_thousands,
        o.soc2020_sub_major = d.soc2020_sub_major as same_field
    from sim as s
    inner join occ as o on o.soc2020 = s.origin_soc2020
    inner join occ as d on d.soc2020 = s.destination_soc2020
    left join careers as c on c.soc2020 = s.destination_soc2020
    left join gaps as g using (origin_soc2020, destination_soc2020)
),
typed as (
    -- a get-up or move-across step must be likelier to be named than a destination drawn at random
    -- (above_chance: ranker.chance); get on is a route into work, not a move careers paths name
    select p.* exclude (above_chance), r.is_get_up and p.above_chance as is_get_up, r.is_get_on,
           r.is_move_across and p.above_chance as is_move_across
    from pairs as p
    inner join {{ ref('int_escalator_step_rules') }} as r using (origin_soc2020, destination_soc2020)
),
steps as (
    select * exclude (is_get_up, is_get_on, is_move_across), 'get up' as step_type from typed where is_get_up
    union all
    select * exclude (is_get_up, is_get_on, is_move_across), 'get on' from typed where is_get_on
    union all
    select * exclude (is_get_up, is_get_on, is_move_across), 'move across' from typed where is_move_across
    union all
    select * exclude (is_get_up, is_get_on, is_move_across), cast(null as varchar) from typed
    where not is_get_up and not is_get_on and not is_move_across
),
scored as (
    select
        * exclude (named_by_ncs, neighbours_name, route_names_origin, us_share, oversees_origin, destination_lead,
                   origin_lead,
                   main_factor, shared_standard, standard_ladder, standard_route),
        case when destination_local_adverts_live > 0 then 'live local adverts'
             when step_type = 'get on' then 'large occupation (feeds cover part of the market)' end
            as demand_evidence,
        -- why the step is there, in words a person can check against its source
        coalesce(nullif(concat_ws('; ',
            case when named_by_ncs then 'the National Careers Service names this move' end,
            case when not named_by_ncs and neighbours_name >= {{ var('escalator_reason_neighbour_share') }}
                 then 'careers advisers name this move from similar jobs' end,
            case when route_names_origin then 'NCS says people start in your job and move into this one' end,
            case when shared_standard or standard_ladder >= {{ var('escalator_reason_standard_ladder') }}
                 then 'an apprenticeship route links the two: ' || standard_route end,
            case when us_share >= {{ var('escalator_reason_us_share') }}
                 then 'about 1 in ' || cast(round(1 / us_share) as integer)
                      || ' people in this job make this move each year in US survey data' end,
            -- only of a lead above the origin's level (a manager is not managed by the nearest other
            -- managers' group, whose description merely reads alike)
            case when oversees_origin >= {{ var('escalator_oversees_origin') }} and destination_lead = 1
                      and origin_lead < 1
                 then 'you would supervise the work you do now'
                 when oversees_origin >= {{ var('escalator_oversees_origin') }} and destination_lead = 2
                      and origin_lead < 2
                 then 'you would manage the work you do now' end,
            case when similar_work then 'similar day-to-day work' end,
            case when (destination_graduate_entry or destination_degree_only) and destination_no_degree_route
                 then coalesce('no prior degree needed: reached through a degree apprenticeship, '
                               || destination_degree_apprenticeship
                               || coalesce(', usually ' || destination_apprenticeship_years || ' years (NCS)', ''),
                               'no prior degree needed: NCS gives an apprenticeship, direct or work-your-way-up route') end
        ), ''),
            -- a get-on step is there because it is an entry job with demand (its step rules), not because of
            -- the origin: say so rather than "no single reason"
            case when step_type = 'get on'
                 then 'an entry job open to people out of work, with local demand; nothing ties it to your '
                      || 'job in particular' || coalesce('; ranked on: ' || main_factor, '')
                 else 'no single reason: the model weighs the evidence together'
                      || coalesce('; it leans most on: ' || main_factor, '') end) as why
    from steps
)
select
    *,
    case when step_type is not null then
        row_number() over (partition by origin_soc2020, step_type order by step_score desc, destination_soc2020)
    end as step_rank,
    case when step_type is not null then
        dense_rank() over (partition by origin_soc2020, step_type is not null order by step_score desc, destination_soc2020)
    end as origin_rank
from scored
