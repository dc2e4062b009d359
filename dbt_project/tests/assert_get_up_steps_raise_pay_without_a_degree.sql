-- A get-up step never cuts pay and never needs a degree.
select origin_soc2020, destination_soc2020, uplift_pct, destination_graduate_entry
from {{ ref('fct_escalator_transitions') }}
where step_type = 'get up' and (uplift_pct <= 0 or destination_graduate_entry)
