with source as (select * from {{ source('raw', 'onet_job_zones') }})
select onetsoc_code, title as onet_title, job_zone
from source
