-- No step breaks the plausibility rules: a single get-up step stays within the uplift cap, and no move
-- flagged implausible (management without a supervisory origin, armed forces from outside protective
-- services, ...) is ever a step.
select origin_soc2020, destination_soc2020, step_type, uplift_pct, implausible_because
from {{ ref('fct_escalator_transitions') }}
where step_type is not null
  and (implausible_because is not null
       or (step_type = 'get up' and uplift_pct > {{ var('escalator_get_up_max_uplift_pct') }}))
