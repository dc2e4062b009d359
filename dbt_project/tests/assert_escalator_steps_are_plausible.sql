-- No step breaks the hard plausibility rules: a single get-up step stays within the uplift cap; no chief
-- executive or elected officer from outside management; no armed forces from outside protective services.
select origin_soc2020, destination_soc2020, step_type, uplift_pct
from {{ ref('fct_escalator_transitions') }}
where step_type is not null
  and ((step_type = 'get up' and uplift_pct > {{ var('escalator_get_up_max_uplift_pct') }})
       or (destination_soc2020 in ('1111', '1112') and origin_soc2020 not like '1%')
       or (destination_soc2020 in ('1161', '3311') and left(origin_soc2020, 2) not in ('11', '33')))
