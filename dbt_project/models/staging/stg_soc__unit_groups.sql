with source as (select * from {{ source('raw', 'soc2020_unit_groups') }})
select
    soc2020_unit_group as soc2020,
    soc2020_title,
    soc2020_major,
    major_title,
    soc2020_sub_major,
    sub_major_title,
    soc2020_minor,
    minor_title,
    description,
    entry_routes,
    tasks,
    related_job_titles
from source
