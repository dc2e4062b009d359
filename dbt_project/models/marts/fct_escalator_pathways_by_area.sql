-- For each EMCCA local authority and origin occupation, the best 'get on' and 'get up' steps, weighted
-- by local demand: score = the transition's step_score x (1 + ln(1 + adverts for the destination in that
-- LA in the advert window)). Top 3 per LA, origin and step type; a destination whose pay ONS measured for
-- the unit group always ranks above one whose pay is borrowed from a wider group. share_adverts_reachable_45min: of the
-- destination's live EMCCA adverts, the share reachable within 45 minutes by public transport from the
-- LA's neighbourhoods (null when the occupation has no live adverts). ons_adverts_latest_quarter: ONS's
-- official count of new online adverts for the destination in that LA, in the latest quarter ONS published
-- a count for it (ons_quarter); null when the ONS source is not connected or every quarter is suppressed.
with steps as (select * from {{ ref('fct_escalator_transitions') }} where step_type is not null),
las as (select geography_code as la_code, geography_name as la_name
        from {{ ref('dim_geography') }} where geography_level = 'local authority'),
ads as (
    select la_code, soc2020,
           count(*) filter (where first_seen > as_of - interval {{ var('escalator_advert_window_days') }} day)
               as adverts_recent,
           count(*) filter (where is_live) as adverts_live
    from {{ ref('fct_job_ads') }}
    where in_emcca and soc2020 is not null
    group by all
),
ons as (
    select geography_code as la_code, soc2020,
           arg_max(adverts, period_start) as ons_adverts_latest_quarter,
           arg_max(period_label, period_start) as ons_quarter
    from {{ ref('fct_online_job_advert_volumes') }}
    where frequency = 'quarterly' and status = 'published' and soc2020 is not null
    group by all
),
scored as (
    select
        las.la_code,
        las.la_name,
        s.origin_soc2020,
        s.origin_title,
        s.step_type,
        s.destination_soc2020,
        s.destination_title,
        s.similarity,
        s.uplift_pct,
        s.uplift_gbp,
        s.skills_to_build,
        s.learning_route,
        s.barriers,
        s.destination_pay_measured,
        coalesce(ads.adverts_recent, 0) as la_adverts_recent,
        coalesce(ads.adverts_live, 0) as la_adverts_live,
        reach.share_adverts_reachable_45min,
        ons.ons_adverts_latest_quarter,
        ons.ons_quarter,
        s.step_score * (1 + ln(1 + coalesce(ads.adverts_recent, 0))) as score
    from steps as s
    cross join las
    left join ads on ads.la_code = las.la_code and ads.soc2020 = s.destination_soc2020
    left join ons on ons.la_code = las.la_code and ons.soc2020 = s.destination_soc2020
    left join {{ ref('int_reach_share_by_la_soc') }} as reach
        on reach.la_code = las.la_code and reach.soc2020 = s.destination_soc2020
),
ranked as (
    select *, row_number() over (partition by la_code, origin_soc2020, step_type
                                 order by destination_pay_measured desc, score desc, destination_soc2020) as step_rank
    from scored
)
select * exclude (score), round(score, 4) as score
from ranked
where step_rank <= 3
