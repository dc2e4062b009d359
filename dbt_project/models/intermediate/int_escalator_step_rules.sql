{{ config(materialized="table") }}
-- Which moves can be which kind of step, for every ordered pair of SOC 2020 unit groups (one place for the
-- rules, so fct_escalator_transitions and the benchmark's held-out check apply the same ones):
--   is_get_up  pay rises (uplift above var escalator_get_up_min_uplift_pct, at most
--              var escalator_get_up_max_uplift_pct: a bigger move is a ladder), and no prior degree is
--              needed: a graduate-entry destination only with a route that needs none (degree
--              apprenticeship, direct application, work your way up, Access course)
--   is_move_across  a sideways move careers advisers name (playworker -> teaching assistant): pay within
--              var escalator_move_across_max_fall_pct below the origin's and not above it (ASHE medians
--              this close are within their own uncertainty), no prior degree needed; never also a get up
--   is_get_on  a route into work for someone out of work: NCS gives a direct, work or level 1-2 route,
--              job zone <= var escalator_get_on_max_job_zone, no graduate entry, and local demand (live
--              adverts; where the feeds cover only part of the market, 100k+ UK jobs stand in)
with occ as (select * from {{ ref('int_soc_occupations') }}),
careers as (select * from {{ ref('int_soc_careers') }}),
feed as (
    -- the feeds cover the whole market only when something beyond the embedded public-sector file is in
    select count(*) filter (where source <> 'notts_public_sector') > 0 as full_coverage
    from {{ ref('fct_job_ads') }}
),
pairs as (
    select
        o.soc2020 as origin_soc2020,
        d.soc2020 as destination_soc2020,
        round(100.0 * (d.median_annual_pay - o.median_annual_pay) / o.median_annual_pay, 1) as uplift_pct,
        d.graduate_entry or coalesce(c.degree_only, false) as degree_typical,
        coalesce(c.no_degree_route, false) as no_degree_route,
        coalesce(c.short_entry, false) as short_entry,
        d.job_zone,
        d.local_adverts_live,
        d.uk_jobs_thousands
    from occ as o
    cross join occ as d
    left join careers as c on c.soc2020 = d.soc2020
    where o.soc2020 <> d.soc2020
)
select
    origin_soc2020,
    destination_soc2020,
    coalesce(uplift_pct > {{ var('escalator_get_up_min_uplift_pct') }}
             and uplift_pct <= {{ var('escalator_get_up_max_uplift_pct') }}
             and (not degree_typical or no_degree_route), false) as is_get_up,
    coalesce(not degree_typical and short_entry
             and coalesce(job_zone, 0) <= {{ var('escalator_get_on_max_job_zone') }}
             and (local_adverts_live > 0
                  or (not (select full_coverage from feed) and coalesce(uk_jobs_thousands, 0) >= 100)), false)
        as is_get_on,
    coalesce(uplift_pct > -{{ var('escalator_move_across_max_fall_pct') }}
             and uplift_pct <= {{ var('escalator_get_up_min_uplift_pct') }}
             and (not degree_typical or no_degree_route), false) as is_move_across
from pairs
