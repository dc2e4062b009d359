-- One row per job advert. Stock convention (Open Jobs Observatory): an advert is live from first seen
-- for 6 weeks, or to its closing date when it has one. "Live" is judged at the latest day any feed
-- delivered (as_of), so a rerun on old data gives the same answer.
with ads as (select * from {{ ref('stg_jobads__adverts') }}),
as_of as (select max(last_seen) as as_of from ads),
soc as (select soc2020, soc2020_title from {{ ref('stg_soc__unit_groups') }}),
lad as (select lad_code, lad_name from {{ ref('stg_geo__lad') }})
select
    a.advert_key,
    a.source,
    a.title,
    a.employer,
    a.employer_type,
    a.soc2020,
    soc.soc2020_title,
    a.soc_confidence,
    a.soc_method,
    a.soc_needs_review,
    a.pay_min_annual,
    a.pay_max_annual,
    a.pay_mid_annual as annual_pay,
    a.pay_mid_hourly as hourly_pay,
    a.salary_text,
    a.salary_status,
    a.pay_assumption,
    a.pay_outlier,
    a.location,
    a.la_code,
    lad.lad_name as la_name,
    a.lsoa21cd,
    coalesce(a.in_emcca, false) as in_emcca,
    a.place_method,
    a.full_time,
    a.part_time,
    a.flexible,
    a.temporary,
    a.apprenticeship,
    a.part_time or a.flexible as part_time_or_flexible,
    a.first_seen,
    a.last_seen,
    a.closing_date,
    coalesce(a.closing_date, cast(a.first_seen + interval 42 day as date)) as live_until,
    as_of.as_of,
    as_of.as_of between a.first_seen and coalesce(a.closing_date, cast(a.first_seen + interval 42 day as date))
        as is_live,
    a.description
from ads as a
cross join as_of
left join soc using (soc2020)
left join lad on a.la_code = lad.lad_code
