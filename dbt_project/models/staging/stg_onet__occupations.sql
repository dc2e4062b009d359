with source as (select * from {{ source('raw', 'onet_occupations') }})
select onetsoc_code, title as onet_title
from source
