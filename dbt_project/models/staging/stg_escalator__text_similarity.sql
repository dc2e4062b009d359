with source as (select * from {{ source('derived', 'soc2020_text_similarity') }})
select origin_soc2020, destination_soc2020, text_similarity, engine as text_engine
from source
