-- Every SOC 2020 unit group with its place in the classification, ASHE pay, O*NET job zone and live
-- local adverts: the dimension the escalator's facts and the explorer join to.
select
    u.soc2020,
    u.soc2020_title,
    u.soc2020_major,
    u.major_title,
    u.soc2020_sub_major,
    u.sub_major_title,
    u.soc2020_minor,
    u.minor_title,
    u.related_job_titles,
    o.median_annual_pay,
    o.pay_level,
    o.median_hourly_pay,
    o.job_zone,
    o.graduate_entry,
    o.local_adverts_live
from {{ ref('stg_soc__unit_groups') }} as u
left join {{ ref('int_soc_occupations') }} as o using (soc2020)
