-- The Plan's headline target, 80% employment (16-64) by 2035, as a path for EMCCA and each geography:
-- the annual change needed from the latest value to reach the target, the latest annual change with its
-- 95% CI (difference of two independent APS estimates: sqrt(h1^2 + h2^2)), and whether that change is
-- on the path. Extra people in work = (target - latest) x residents aged 16-64, where the source gives the
-- 16-64 population (the APS denominator from Nomis); empty otherwise, never estimated.
with rate as (
    select geography_code, geography_name, geography_level, period_start, period_end, value, lci_95, uci_95,
           denominator, reliability
    from {{ ref('fct_plan_indicators') }}
    where indicator_id = 'employment_rate' and value is not null
),
target as (
    select target_value, target_year from {{ ref('dim_indicator') }} where indicator_id = 'employment_rate'
),
ordered as (
    select *,
           lag(value) over w as previous_value,
           lag(lci_95) over w as previous_lci,
           lag(uci_95) over w as previous_uci,
           lag(period_end) over w as previous_period_end,
           row_number() over (partition by geography_code order by period_end desc) as recency
    from rate
    window w as (partition by geography_code order by period_end)
),
latest as (
    select o.*, t.target_value, t.target_year,
           t.target_year - year(o.period_end) as years_to_target,
           o.value - o.previous_value as latest_annual_change,
           sqrt(((o.uci_95 - o.lci_95) / 2) ^ 2 + ((o.previous_uci - o.previous_lci) / 2) ^ 2) as change_half_ci
    from ordered as o cross join target as t
    where o.recency = 1
)
select
    geography_code,
    geography_name,
    geography_level,
    period_start as latest_period_start,
    period_end as latest_period_end,
    value as latest_value,
    lci_95,
    uci_95,
    reliability,
    target_value,
    target_year,
    years_to_target,
    round((target_value - value) / nullif(years_to_target, 0), 2) as required_annual_change_pp,
    previous_period_end,
    round(latest_annual_change, 2) as latest_annual_change_pp,
    round(latest_annual_change - change_half_ci, 2) as latest_change_lci_95,
    round(latest_annual_change + change_half_ci, 2) as latest_change_uci_95,
    case
        when lci_95 >= target_value then 'target met'
        when value >= target_value then 'at target: point estimate only, the target lies inside the 95% CI'
        when latest_annual_change is null then 'no previous year'
        when change_half_ci is null then
            case when latest_annual_change >= (target_value - value) / years_to_target then 'on path (no CI)'
                 else 'off path (no CI)' end
        when latest_annual_change - change_half_ci >= (target_value - value) / years_to_target then 'on path'
        when latest_annual_change + change_half_ci < (target_value - value) / years_to_target then 'off path'
        else 'cannot tell: the required change lies inside the latest change''s 95% CI'
    end as path_status,
    case when denominator is not null and value < target_value
         then round((target_value - value) / 100 * denominator) end as extra_people_in_work_needed,
    denominator as residents_16_64
from latest
