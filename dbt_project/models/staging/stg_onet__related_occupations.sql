with source as (select * from {{ source('raw', 'onet_related_occupations') }})
select onetsoc_code, related_onetsoc_code, relatedness_tier, related_index
from source
