-- The Plan's indicator tracker: one row per indicator x geography x period.
--
-- Baseline: the Plan's figure (Table 8.1) on its own geography (EMCCA, or England for the national
-- row); for every other geography, that geography's own value in var('plan_baseline_year').
-- RAG rule (evaluated per row; documented in README and dim_indicator):
--   grey  'no source connected' - no connected source has ever delivered a value
--   'no data'                   - a source is connected but this row's value is suppressed/missing
--   'not rated'                 - no baseline, no better direction, a feed with partial coverage, or a
--                                 measure not comparable with the Plan's baseline, or a lower bound (a total
--                                 with suppressed parts); the note starts with which
--   green                       - target met; or change since baseline in the better direction and
--                                 the baseline lies outside the row's 95% CI
--   amber                       - the baseline lies inside the row's 95% CI (a change inside the CI is
--                                 not a change); without a CI, a change under 1% of the baseline
--   red                         - change in the worse direction beyond the CI (or the 1% band)
--   'before baseline'           - history, not progress: a row dated before the baseline year (own-value
--                                 baselines) or before the earliest year a Plan baseline may come from
--                                 (baseline year - 2)
-- Baseline check: the Plan's figure is compared with this series' values for its geography in the years
-- around var('plan_baseline_year') (-2..+1, since the Plan's baselines come from different vintages). If
-- none lies within the 95% CI (or, without a CI, within var('baseline_tolerance_pct') percent), the
-- Plan's figure is not this measure: the row says 'not comparable' and is not rated.
with obs as (select * from {{ ref('int_indicator_observations') }}),
ind as (select * from {{ ref('dim_indicator') }}),
geo as (select * from {{ ref('dim_geography') }}),
meta as (
    select dataset, indicator, max(source_date) as source_date
    from {{ ref('stg_ons__dataset_metadata') }}
    group by dataset, indicator
),
src_map as (select * from {{ ref('indicator_sources') }}),

observed as (
    select
        o.*,
        coalesce(m_ind.source_date, m_ds.source_date) as source_release
    from obs as o
    inner join geo using (geography_code)
    left join src_map as sm on sm.indicator_id = o.indicator_id and sm.dataset = o.source_dataset
    left join meta as m_ind on m_ind.dataset = o.source_dataset and m_ind.indicator = sm.source_indicator
    left join (select dataset, max(source_date) as source_date from meta group by dataset) as m_ds
        on m_ds.dataset = split_part(o.source_dataset, ' x ', 1)
),

own_baseline as (
    select indicator_id, geography_code, arg_max(value, period_end) as value,
           cast(max(year(period_start)) as varchar) as period
    from observed
    where year(period_start) = {{ var('plan_baseline_year') }} and value is not null
    group by indicator_id, geography_code
),

plan_baseline_check as (
    select
        o.indicator_id, o.geography_code,
        bool_or(case when o.lci_95 is not null and o.uci_95 is not null
                     then i.baseline_value between o.lci_95 and o.uci_95
                     else abs(i.baseline_value - o.value) <= {{ var('baseline_tolerance_pct') }} / 100.0 * abs(o.value)
                end) as matches,
        min(year(o.period_end)) as first_year,
        max(year(o.period_end)) as last_year,
        arg_max(o.value, o.period_end) as nearest_value
    from observed as o
    inner join ind as i on i.indicator_id = o.indicator_id and i.baseline_geography = o.geography_code
    where i.baseline_value is not null and o.value is not null
      and year(o.period_end) between {{ var('plan_baseline_year') }} - 2 and {{ var('plan_baseline_year') }} + 1
    group by o.indicator_id, o.geography_code
),

unconnected as (
    -- indicators with no connected source still appear, on their baseline geography
    select
        i.indicator_id, cast(null as varchar) as source, cast(null as varchar) as source_dataset,
        coalesce(i.baseline_geography, 'E47000013') as geography_code,
        cast(null as varchar) as geography_name,
        cast(null as date) as period_start, cast(null as date) as period_end,
        cast(null as double) as value, cast(null as double) as lci_95, cast(null as double) as uci_95,
        cast(null as double) as numerator, cast(null as double) as denominator,
        'no source connected' as reliability, cast(null as varchar) as note,
        cast(null as date) as source_release
    from ind as i
    where not i.source_connected
),

rows_ as (
    select * from observed
    union all by name
    select * from unconnected
),

joined as (
    select
        r.indicator_id,
        i.indicator_name,
        i.category,
        r.geography_code,
        g.geography_name,
        g.geography_level,
        r.period_start,
        r.period_end,
        r.value,
        i.unit,
        r.lci_95,
        r.uci_95,
        r.numerator,
        r.denominator,
        r.reliability,
        coalesce(r.source, i.primary_source) as source,
        r.source_dataset,
        r.source_release,
        case when i.baseline_geography = r.geography_code then i.baseline_value else ob.value end
            as baseline_value,
        case when i.baseline_geography = r.geography_code then i.baseline_note
             when ob.value is not null then 'own value in ' || ob.period end as baseline_period,
        case when i.baseline_geography = r.geography_code and i.baseline_value is not null then
                 case when pc.matches then 'matches series' when not pc.matches then 'differs from series'
                      else 'not checked' end
             when ob.value is not null then 'own value' end as baseline_check,
        case when i.baseline_geography = r.geography_code and not pc.matches then
            'not comparable: the Plan''s baseline (' || printf('%.10g', i.baseline_value)
            || ') is not within the 95% CI or ' || {{ var('baseline_tolerance_pct') }}
            || '% of this series'' values for ' || pc.first_year || '-' || pc.last_year || ' ('
            || pc.last_year || ': ' || printf('%.10g', pc.nearest_value)
            || '); check which figure the Plan used before comparing' end as baseline_warning,
        case when i.baseline_geography = r.geography_code and i.baseline_value is not null
                  then year(r.period_end) < {{ var('plan_baseline_year') }} - 2
             when ob.value is not null then year(r.period_end) < {{ var('plan_baseline_year') }}
             else false end as before_baseline,
        i.target_value,
        i.target_year,
        i.better_direction,
        i.source_connected,
        r.note,
        r.period_end = max(r.period_end) over (partition by r.indicator_id, r.geography_code) as is_latest
    from rows_ as r
    inner join ind as i using (indicator_id)
    inner join geo as g using (geography_code)
    left join own_baseline as ob on ob.indicator_id = r.indicator_id and ob.geography_code = r.geography_code
    left join plan_baseline_check as pc on pc.indicator_id = r.indicator_id and pc.geography_code = r.geography_code
),

noted as (
    select
        * exclude (note, baseline_warning),
        case when baseline_warning is null or note like 'not comparable%' then note
             else baseline_warning || coalesce('; ' || note, '') end as note
    from joined
)

select
    indicator_id, indicator_name, category, geography_code, geography_name, geography_level,
    period_start, period_end, value, unit, lci_95, uci_95, numerator, denominator, reliability,
    source, source_dataset, source_release, baseline_value, baseline_period, baseline_check, target_value,
    target_year, better_direction,
    round(value - baseline_value, 2) as change_since_baseline,
    case
        when not source_connected then 'no source connected'
        when value is null then 'no data'
        when baseline_value is null or better_direction = 'none' then 'not rated'
        when before_baseline then 'before baseline'
        when note like 'partial coverage%' or note like 'not comparable%' or note like 'lower bound%'
             then 'not rated'
        when target_value is not null and geography_code = 'E47000013'
             and ((better_direction = 'higher' and value >= target_value)
               or (better_direction = 'lower' and value <= target_value)) then 'green'
        when lci_95 is not null and uci_95 is not null and baseline_value between lci_95 and uci_95 then 'amber'
        when (lci_95 is null or uci_95 is null) and abs(value - baseline_value) < 0.01 * abs(baseline_value) then 'amber'
        when (better_direction = 'higher' and value > baseline_value)
          or (better_direction = 'lower' and value < baseline_value) then 'green'
        else 'red'
    end as rag_status,
    coalesce(is_latest, true) as is_latest,
    note
from noted
