with source as (select * from {{ source('raw', 'soc2020_hierarchy') }})
select soc2020_code, digits as soc_level, title as soc2020_title
from source
