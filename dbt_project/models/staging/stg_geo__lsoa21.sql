with source as (select * from {{ source('raw', 'lsoa21_lookup') }})
select
    lsoa21cd,
    lsoa21nm,
    lad_code,
    lad_name,
    utla_code,
    utla_name,
    rgn_code,
    pwc_lon,
    pwc_lat,
    pwc_easting,
    pwc_northing
from source
