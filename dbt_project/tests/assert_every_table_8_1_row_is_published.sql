-- Every row of the Plan's Table 8.1 (plan_row 1-18) has a latest row on its baseline geography (EMCCA
-- unless the seed says otherwise), whatever the sources delivered: a refresh that would drop one fails
-- here, naming it, and the previous publication stays.
select p.plan_row, p.indicator_id, coalesce(p.baseline_geography, {{ emcca_code() }}) as geography_code
from {{ ref('plan_indicators') }} as p
where p.plan_row is not null
  and not exists (
      select 1 from {{ ref('fct_plan_indicators') }} as f
      where f.indicator_id = p.indicator_id
        and f.geography_code = coalesce(p.baseline_geography, {{ emcca_code() }})
        and f.is_latest
  )
