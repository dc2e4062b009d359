-- Job titles people type -> SOC 2020: each ONS coding-index title coded by the platform's title coder
-- (derived/job_title_codes), for the explorer's search and for BI tools that hold free-text job titles.
select
    c.job_title,
    c.soc2020,
    u.soc2020_title,
    c.confidence,
    c.method
from {{ source('derived', 'job_title_codes') }} as c
inner join {{ ref('stg_soc__unit_groups') }} as u using (soc2020)
