-- The Plan's indicators (Table 8.1) with definitions, sources, baselines, targets and caveats, and
-- whether a source is connected in this deployment.
with plan as (select * from {{ ref('plan_indicators') }}),
connected as (
    select indicator_id, count(*) as n_observations, max(period_end) as latest_period_end,
           string_agg(distinct source, '; ' order by source) as connected_sources
    from {{ ref('int_indicator_observations') }}
    where value is not null
    group by indicator_id
)
select
    p.indicator_id,
    p.display_order,
    p.plan_row,
    p.indicator_name,
    p.category,
    p.unit,
    p.better_direction,
    p.definition,
    p.primary_source,
    p.caveats,
    p.baseline_value,
    p.baseline_period,
    p.baseline_geography,
    p.baseline_note,
    p.target_value,
    p.target_year,
    p.target_description,
    coalesce(c.n_observations, 0) > 0 as source_connected,
    c.connected_sources,
    coalesce(c.n_observations, 0) as n_observations,
    c.latest_period_end
from plan as p
left join connected as c using (indicator_id)
