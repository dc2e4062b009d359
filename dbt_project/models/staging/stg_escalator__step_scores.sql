-- The learned ranker's score and evidence for every ordered pair of SOC 2020 unit groups (Python asset
-- derived/escalator_step_scores: assets/escalator/ranker.py)
select
    origin_soc2020,
    destination_soc2020,
    step_score,
    plausible,
    above_chance,
    named_by_ncs,
    neighbours_name,
    route_names_origin = 1 as route_names_origin,
    us_share,
    oversees_origin,
    destination_lead,
    origin_lead,
    main_factor,
    shared_standard = 1 as shared_standard,
    standard_ladder,
    standard_route
from {{ source('derived', 'escalator_step_scores') }}
