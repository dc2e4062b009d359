-- ONS Explore Local Statistics long format. `period` is an ISO 8601 interval ("2023-01-01/P1Y")
-- or a single date ("2023-04-19"); both are turned into inclusive start/end dates.
with source as (select * from {{ source('raw', 'ons_local_indicators') }}),
parsed as (
    select
        *,
        cast(split_part(period, '/', 1) as date) as period_start,
        nullif(split_part(period, '/', 2), '') as iso_duration
    from source
)
select
    dataset,
    indicator,
    areacd as geography_code,
    areanm as geography_name,
    geography as geography_type,
    period,
    period_start,
    case
        when iso_duration is null then period_start
        when iso_duration like 'P%Y' then cast(period_start + to_years(cast(regexp_extract(iso_duration, 'P(\d+)Y', 1) as integer)) - interval 1 day as date)
        when iso_duration like 'P%M' then cast(period_start + to_months(cast(regexp_extract(iso_duration, 'P(\d+)M', 1) as integer)) - interval 1 day as date)
        when iso_duration like 'P%D' then cast(period_start + to_days(cast(regexp_extract(iso_duration, 'P(\d+)D', 1) as integer)) - interval 1 day as date)
    end as period_end,
    observation as value,
    measure,
    unit,
    lci_95,
    uci_95,
    status as status_marker,
    notes
from parsed
