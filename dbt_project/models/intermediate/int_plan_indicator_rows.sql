-- Every tracker row before it is rated: indicator x geography x period with its baseline, reliability
-- and what the rating rule needs (fct_plan_indicators applies the rule; its unit tests mock this model).
--
-- Baseline: the Plan's figure (Table 8.1) on its own geography (EMCCA, or England for the national row);
-- for every other geography, that geography's own value in the indicator's baseline year
-- (plan_indicators.baseline_period, from Table 8.1's "Source & Year": 2025, or 2024 where marked).
-- Rows dated before the baseline period are history (before_baseline), never progress.
-- Reliability from what the source gives (ONS coefficient-of-variation bands, CV = SE / estimate with
-- SE = CI width / (2 x 1.96)): < 5% precise, 5-10% reasonably precise, 10-20% acceptable, > 20% unreliable;
-- 'suppressed' where the source suppresses; 'unreliable' where it flags the value so; 'no CI' where a
-- value comes without one. `provisional` where the source's metadata says that year is provisional.
-- Baseline check: the Plan's figure must lie within the 95% CI (or var('baseline_tolerance_pct') percent
-- without a CI) of one of the series' values from two years before the baseline year to the baseline year
-- (later values may differ because things changed, so they do not test the figure).
with obs as (select * from {{ ref('int_indicator_observations') }}),
ind as (select * from {{ ref('dim_indicator') }}),
geo as (select * from {{ ref('dim_geography') }}),
meta as (
    select dataset, indicator, max(source_date) as source_date, max(provisional_year) as provisional_year
    from {{ ref('stg_ons__dataset_metadata') }}
    group by dataset, indicator
),
meta_ds as (
    select dataset, max(source_date) as source_date, max(provisional_year) as provisional_year
    from meta group by dataset
),
src_map as (select * from {{ ref('indicator_sources') }}),

observed as (
    select
        o.*,
        coalesce(m_ind.source_date, m_ds.source_date) as source_release,
        coalesce(m_ind.provisional_year, m_ds.provisional_year) = year(o.period_start) as provisional
    from obs as o
    inner join geo using (geography_code)
    left join src_map as sm on sm.indicator_id = o.indicator_id and sm.dataset = o.source_dataset
    left join meta as m_ind on m_ind.dataset = o.source_dataset and m_ind.indicator = sm.source_indicator
    left join meta_ds as m_ds on m_ds.dataset = split_part(split_part(o.source_dataset, ' x ', 1), ' (', 1)
),

own_baseline as (
    select o.indicator_id, o.geography_code, arg_max(o.value, o.period_end) as value,
           max(year(o.period_start)) as year
    from observed as o
    inner join ind as i using (indicator_id)
    where year(o.period_start) = year(i.baseline_period) and o.value is not null
    group by o.indicator_id, o.geography_code
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
      and year(o.period_start) between year(i.baseline_period) - 2 and year(i.baseline_period)
    group by o.indicator_id, o.geography_code
),

unconnected as (
    -- indicators with no connected source still appear, on their baseline geography
    select
        i.indicator_id, cast(null as varchar) as source, cast(null as varchar) as source_dataset,
        coalesce(i.baseline_geography, {{ emcca_code() }}) as geography_code,
        cast(null as varchar) as geography_name,
        cast(null as date) as period_start, cast(null as date) as period_end,
        cast(null as double) as value, cast(null as double) as lci_95, cast(null as double) as uci_95,
        cast(null as double) as numerator, cast(null as double) as denominator,
        'no source connected' as reliability, cast(null as varchar) as note,
        cast(null as date) as source_release, false as provisional
    from ind as i
    where not i.source_connected
),

not_delivered as (
    -- a connected indicator whose source's latest delivery has no row for the Plan's geography (DfE
    -- publishing the two counties, a Nomis query answering for other places): the Plan's row stays, saying
    -- so, instead of disappearing from Table 8.1
    select
        i.indicator_id, i.primary_source as source, cast(null as varchar) as source_dataset,
        coalesce(i.baseline_geography, {{ emcca_code() }}) as geography_code,
        cast(null as varchar) as geography_name,
        cast(null as date) as period_start, cast(null as date) as period_end,
        cast(null as double) as value, cast(null as double) as lci_95, cast(null as double) as uci_95,
        cast(null as double) as numerator, cast(null as double) as denominator,
        'not delivered' as reliability,
        'no data from ' || coalesce(i.primary_source, 'its source') || ' for this geography: its latest '
            || 'delivery has rows for other places only; the Plan''s baseline is shown' as note,
        cast(null as date) as source_release, false as provisional
    from ind as i
    where i.source_connected
      and not exists (
          select 1 from observed as o
          where o.indicator_id = i.indicator_id
            and o.geography_code = coalesce(i.baseline_geography, {{ emcca_code() }})
      )
),

rows_ as (
    select * from observed
    union all by name
    select * from unconnected
    union all by name
    select * from not_delivered
),

joined as (
    select
        r.indicator_id,
        i.indicator_name,
        i.category,
        i.plan_row,
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
        case
            when r.reliability in ('suppressed', 'no source connected', 'not delivered') then r.reliability
            when r.value is null then 'suppressed'
            when r.reliability = 'unreliable' then 'unreliable'
            when r.lci_95 is not null and r.uci_95 is not null and r.value <> 0 then
                case when (r.uci_95 - r.lci_95) / 3.92 / abs(r.value) < 0.05 then 'precise'
                     when (r.uci_95 - r.lci_95) / 3.92 / abs(r.value) < 0.10 then 'reasonably precise'
                     when (r.uci_95 - r.lci_95) / 3.92 / abs(r.value) < 0.20 then 'acceptable'
                     else 'unreliable' end
            else 'no CI'
        end as reliability,
        coalesce(r.provisional, false) as provisional,
        coalesce(r.source, i.primary_source) as source,
        r.source_dataset,
        r.source_release,
        case when i.baseline_geography = r.geography_code then i.baseline_value else ob.value end
            as baseline_value,
        case when i.baseline_geography = r.geography_code and i.baseline_value is not null
                  or ob.value is not null then i.baseline_period end as baseline_period,
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
        coalesce(r.period_end < i.baseline_period, false) as before_baseline,
        year(i.baseline_period) as baseline_year,
        max(year(r.period_end)) over (partition by r.indicator_id, r.geography_code) as latest_data_year,
        i.target_value,
        i.target_year,
        i.better_direction,
        i.source_connected,
        r.note,
        r.period_end is not distinct from max(r.period_end) over (partition by r.indicator_id, r.geography_code)
            as is_latest
    from rows_ as r
    inner join ind as i using (indicator_id)
    inner join geo as g using (geography_code)
    left join own_baseline as ob on ob.indicator_id = r.indicator_id and ob.geography_code = r.geography_code
    left join plan_baseline_check as pc on pc.indicator_id = r.indicator_id and pc.geography_code = r.geography_code
)

select
    * exclude (note, baseline_warning),
    case when baseline_warning is null or note like 'not comparable%' then note
         else baseline_warning || coalesce('; ' || note, '') end as note
from joined
