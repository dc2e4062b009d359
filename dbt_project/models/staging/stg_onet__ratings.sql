-- O*NET skills and knowledge ratings in one long table (importance IM 1-5, level LV 0-7).
with skills as (select *, 'skill' as domain from {{ source('raw', 'onet_skills') }}),
knowledge as (select *, 'knowledge' as domain from {{ source('raw', 'onet_knowledge') }}),
unioned as (select * from skills union all select * from knowledge)
select
    onetsoc_code,
    domain,
    element_id,
    element_name,
    scale_id,
    data_value,
    coalesce(recommend_suppress = 'Y', false) as recommend_suppress,
    coalesce(not_relevant = 'Y', false) as not_relevant
from unioned
