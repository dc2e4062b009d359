{{ config(materialized="table") }}
-- O*NET 29 skills and knowledge per SOC 2020 unit group: the crosswalk-weighted average of the linked
-- O*NET occupations' importance (IM, 1-5) and level (LV, 0-7). Weights are renormalised over the linked
-- codes that O*NET actually rates, so an unrated detailed code does not pull the average to zero.
-- `importance_z` centres each element on its mean across unit groups and scales by its spread, so
-- cosine similarity compares what is distinctive about an occupation, not that every job needs speaking.
with xw as (select * from {{ ref('stg_onet__uk_crosswalk') }}),
ratings as (
    select onetsoc_code, domain, element_id, element_name, scale_id, data_value
    from {{ ref('stg_onet__ratings') }}
    where scale_id in ('IM', 'LV')
),
weighted as (
    select
        xw.soc2020,
        r.domain,
        r.element_id,
        r.element_name,
        -- rounded: DuckDB sums doubles in parallel, in no fixed order, so the last bits vary run to run;
        -- 9 decimals keep every figure and make two runs on the same data identical
        round(sum(xw.weight * r.data_value) filter (where r.scale_id = 'IM')
              / nullif(sum(xw.weight) filter (where r.scale_id = 'IM'), 0), 9) as importance,
        round(sum(xw.weight * r.data_value) filter (where r.scale_id = 'LV')
              / nullif(sum(xw.weight) filter (where r.scale_id = 'LV'), 0), 9) as level
    from xw
    inner join ratings as r using (onetsoc_code)
    group by all
)
select
    *,
    round((importance - avg(importance) over (partition by element_id))
          / nullif(stddev_pop(importance) over (partition by element_id), 0), 9) as importance_z
from weighted
