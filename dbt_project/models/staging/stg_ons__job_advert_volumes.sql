-- ONS new online job adverts (Textkernel), one row per area x SOC 2020 unit group x period.
-- soc2020 is null for adverts ONS could not code ("Unknown"): they still count towards area totals.
-- adverts is null where ONS suppressed the cell (status 'suppressed', marker as published, e.g. 'x').
select
    frequency,
    geography_level,
    geography_code,
    geography_name,
    soc2020,
    soc2020_title,
    period_label,
    cast(period_start as date) as period_start,
    cast(period_end as date) as period_end,
    cast(adverts as bigint) as adverts,
    status,
    marker,
    source_cell,
    release
from {{ source('raw', 'ons_job_advert_volumes') }}
