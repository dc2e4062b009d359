-- A get-up step never cuts pay and never needs a prior degree (a graduate-entry destination only with a
-- route that needs none: degree apprenticeship, direct, work your way up, Access course).
select origin_soc2020, destination_soc2020, uplift_pct, destination_graduate_entry
from {{ ref('fct_escalator_transitions') }}
where step_type = 'get up'
  and (uplift_pct <= 0 or ((destination_graduate_entry or destination_degree_only) and not destination_no_degree_route))
