-- DfE NEET rows (empty unless the live source is on). DfE's local measure is the average of December,
-- January and February, and a calendar-year time_period names the year the average ends in: the
-- 2023/24 release's data run to time_period 2024 and its text calls that figure "the end of 2023/start
-- of 2024" (EES data guidance and release page, "Participation in education, training and NEET age 16 to
-- 17 by local authority"), so time_period 2024 is December 2023 to February 2024. An academic-year
-- time_period 202324 means the same months.
with source as (select * from {{ source('raw', 'dfe_neet_observations') }}),

typed as (
    select
        *,
        case when length(period) = 4 then cast(period as integer) - 1
             else cast(left(period, 4) as integer) end as start_year
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
