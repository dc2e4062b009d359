-- National Careers Service job profiles with the SOC 2020 unit group each describes
-- (derived.ncs_profile_soc2020: the ONS SOC 2010 -> 2020 split settled by coding the profile's title).
select
    p.url_name,
    p.title,
    'https://nationalcareers.service.gov.uk/job-profiles/' || p.url_name as url,
    p.description,
    p.soc2010,
    m.soc2020,
    m.share as soc2010_share,
    m.method as soc2020_method,
    p.salary_starter_gbp,
    p.salary_experienced_gbp,
    p.min_hours,
    p.max_hours,
    nullif(p.working_pattern, '') as working_pattern,
    nullif(p.apprenticeship_standards, '') as apprenticeship_standards
from {{ source('raw', 'ncs_job_profiles') }} as p
left join {{ source('derived', 'ncs_profile_soc2020') }} as m using (url_name)
