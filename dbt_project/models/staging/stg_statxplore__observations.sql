-- DWP Stat-Xplore rows (empty unless the live source is on): monthly counts, period "YYYY-MM".
with source as (select * from {{ source('raw', 'statxplore_observations') }})
select
    indicator_id,
    'DWP Stat-Xplore' as source,
    dataset as source_dataset,
    geography_code,
    geography_name,
    cast(period || '-01' as date) as period_start,
    cast(cast(period || '-01' as date) + interval 1 month - interval 1 day as date) as period_end,
    value,
    cast(null as double) as lci_95,
    cast(null as double) as uci_95,
    numerator,
    denominator,
    reliability
from source
