-- Jobs (BRES) and working-age residents per EMCCA LSOA, one row per LSOA (empty unless the live
-- small-area Nomis source is on). Suppressed cells stay null, never zero.
with source as (select * from {{ source('raw', 'lsoa_jobs_population') }})
select
    lsoa21cd,
    max(value) filter (where measure = 'jobs') as jobs,
    max(period) filter (where measure = 'jobs') as jobs_period,
    max(value) filter (where measure = 'working_age_population') as working_age_population,
    max(period) filter (where measure = 'working_age_population') as population_period
from source
group by lsoa21cd
