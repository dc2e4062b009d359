"""The dbt project (staging, intermediate, marts) as assets."""

import dagster as dg

from assets.transform.dbt import dbt_models

defs = dg.Definitions(assets=[dbt_models])
