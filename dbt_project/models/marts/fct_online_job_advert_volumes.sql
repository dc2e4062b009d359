-- ONS new online job adverts (Textkernel) by area, SOC 2020 unit group and period, as published:
-- quarterly for each EMCCA local authority, monthly for the East Midlands. Suppressed cells stay
-- (adverts null, status 'suppressed'); soc2020 is null for adverts ONS could not code. The official
-- counterpart of fct_vacancies_by_occupation_area, which is built from our own advert feeds.
select
    c.frequency,
    c.geography_level,
    c.geography_code,
    coalesce(l.lad_name, c.geography_name) as geography_name,
    c.soc2020,
    coalesce(u.soc2020_title, c.soc2020_title) as soc2020_title,
    c.period_label,
    c.period_start,
    c.period_end,
    c.adverts,
    c.status,
    c.marker,
    c.source_cell,
    c.release
from {{ ref('stg_ons__job_advert_volumes') }} as c
left join {{ ref('stg_geo__lad') }} as l on l.lad_code = c.geography_code
left join {{ ref('stg_soc__unit_groups') }} as u on u.soc2020 = c.soc2020
