with source as (select * from {{ source('raw', 'ashe_table14') }})
select
    year as ashe_year,
    release as ashe_release,
    case measure when 'annual_gross_pay_gbp' then 'annual' when 'hourly_gross_pay_gbp' then 'hourly' end
        as pay_basis,
    workforce,
    soc2020_code,
    description as soc2020_title,
    soc_level,
    n_jobs_thousands,
    median as median_pay_gbp,
    mean as mean_pay_gbp,
    p10 as p10_pay_gbp,
    p25 as p25_pay_gbp,
    p75 as p75_pay_gbp,
    p90 as p90_pay_gbp,
    coalesce(median_suppressed, median is null) as median_suppressed
from source
