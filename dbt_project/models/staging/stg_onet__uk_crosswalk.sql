with source as (select * from {{ source('raw', 'soc2020_onet_crosswalk') }})
select uk_soc2020 as soc2020, onet_soc2019_code as onetsoc_code, onet_title, weight
from source
