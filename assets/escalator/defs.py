"""The escalator's Python compute: occupation text similarity and the NCS careers profiles by SOC 2020
(the transitions themselves are dbt models)."""

import dagster as dg

from assets.escalator.assets import (
    derived_escalator_step_scores,
    derived_ncs_named_moves,
    derived_ncs_profile_soc2020,
    derived_soc2020_ncs_similarity,
    derived_soc2020_text_similarity,
    derived_us_occupation_moves,
)

defs = dg.Definitions(
    assets=[
        derived_soc2020_text_similarity,
        derived_ncs_profile_soc2020,
        derived_soc2020_ncs_similarity,
        derived_ncs_named_moves,
        derived_us_occupation_moves,
        derived_escalator_step_scores,
    ]
)
