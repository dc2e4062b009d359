-- Nomis API rows (empty unless the live source is on). period is Nomis DATE_CODE: "2024-12" (a
-- 12-month APS period ending that month), "2024" (a year) or "2024-06" (a month for the claimant count).
with source as (select * from {{ source('raw', 'nomis_observations') }}),
parsed as (
    select
        *,
        case
            when regexp_matches(period, '^\d{4}$') then cast(period || '-12-01' as date)
            when regexp_matches(period, '^\d{4}-\d{2}$') then cast(period || '-01' as date)
        end as period_month
    from source
)
select
    indicator_id,
    'Nomis' as source,
    dataset as source_dataset,
    geography_code,
    geography_name,
    case when dataset = 'NM_162_1' then period_month
         else cast(period_month - interval 11 month as date) end as period_start,
    cast(period_month + interval 1 month - interval 1 day as date) as period_end,
    value,
    value - ci_half_width as lci_95,
    value + ci_half_width as uci_95,
    numerator,
    denominator,
    reliability
from parsed
