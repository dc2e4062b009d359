with source as (select * from {{ source('raw', 'lad_lookup') }})
select
    ladcd as lad_code,
    ladnm as lad_name,
    utlacd as utla_code,
    utlanm as utla_name,
    rgncd as region_code,
    rgnnm as region_name,
    in_emcca
from source
