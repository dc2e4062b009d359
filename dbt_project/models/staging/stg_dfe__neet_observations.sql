-- DfE NEET rows (empty unless the live source is on). DfE's local measure is the average of December,
-- January and February: time_period 2024 ("end of 2024") or 202425 (academic year 2024/25) both mean
-- December 2024 to February 2025.
with source as (select * from {{ source('raw', 'dfe_neet_observations') }}),

typed as (
    select *, cast(left(period, 4) as integer) as start_year
    from source  -- the connector quarantines any period that is not YYYY or YYYYYY
)

select
    indicator_id,
    'DfE NEET statistics (EES API)' as source,
    dataset as source_dataset,
    geography_code,
    geography_name,
    make_date(start_year, 12, 1) as period_start,
    cast(make_date(start_year + 1, 3, 1) - interval 1 day as date) as period_end,
    value,
    cast(null as double) as lci_95,
    cast(null as double) as uci_95,
    numerator,
    denominator,
    reliability,
    'DfE local measure: 16-17 year olds NEET or activity not known, December-February average' as note
from typed
