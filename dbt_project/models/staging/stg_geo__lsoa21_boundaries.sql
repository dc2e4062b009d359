with source as (select * from {{ source('raw', 'lsoa21_boundaries') }})
select lsoa21cd, lad_code, geometry_geojson
from source
