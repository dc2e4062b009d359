-- One row per advert: sightings on several days are the same advert (stable advert_key). Attributes
-- come from the latest sighting; first_seen/last_seen from all of them.
with source as (select * from {{ source('raw', 'job_ads') }})
select
    advert_key,
    min(seen_date) as first_seen,
    max(seen_date) as last_seen,
    count(*) as days_seen,
    arg_max(source, seen_date) as source,
    arg_max(title, seen_date) as title,
    arg_max(employer, seen_date) as employer,
    arg_max(employer_type, seen_date) as employer_type,
    arg_max(location, seen_date) as location,
    arg_max(la_code, seen_date) as la_code,
    arg_max(lsoa21cd, seen_date) as lsoa21cd,
    arg_max(in_emcca, seen_date) as in_emcca,
    arg_max(place_method, seen_date) as place_method,
    arg_max(soc2020, seen_date) as soc2020,
    arg_max(soc_confidence, seen_date) as soc_confidence,
    arg_max(soc_method, seen_date) as soc_method,
    arg_max(soc_needs_review, seen_date) as soc_needs_review,
    arg_max(salary_text, seen_date) as salary_text,
    arg_max(salary_status, seen_date) as salary_status,
    arg_max(pay_min_annual, seen_date) as pay_min_annual,
    arg_max(pay_max_annual, seen_date) as pay_max_annual,
    arg_max(pay_mid_annual, seen_date) as pay_mid_annual,
    arg_max(pay_mid_hourly, seen_date) as pay_mid_hourly,
    arg_max(pay_assumption, seen_date) as pay_assumption,
    arg_max(pay_outlier, seen_date) as pay_outlier,
    arg_max(full_time, seen_date) as full_time,
    arg_max(part_time, seen_date) as part_time,
    arg_max(flexible, seen_date) as flexible,
    arg_max(temporary, seen_date) as temporary,
    arg_max(apprenticeship, seen_date) as apprenticeship,
    arg_max(closing_date, seen_date) as closing_date,
    arg_max(description, seen_date) as description
from source
group by advert_key
