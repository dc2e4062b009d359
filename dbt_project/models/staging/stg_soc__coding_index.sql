with source as (select * from {{ source('raw', 'soc2020_coding_index') }})
select
    index_id,
    -- ONS codes titles too vague to classify as '}}}}' (e.g. "Advisor"): kept, flagged
    nullif(soc2020, '}}}}') as soc2020,
    soc2020 = '}}}}' as is_too_vague,
    soc2020_ext,
    job_title,
    job_title_index_order,
    qualifier,
    industry,
    see,
    soc2010,
    isco08
from source
