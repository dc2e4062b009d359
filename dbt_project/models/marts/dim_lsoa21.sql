-- EMCCA's 2021 LSOAs with their local authority, population-weighted centroid and boundary (GeoJSON text,
-- generalised), for maps in the reports and BI tools.
select
    l.lsoa21cd,
    l.lsoa21nm,
    l.lad_code as la_code,
    l.lad_name as la_name,
    l.pwc_lat,
    l.pwc_lon,
    b.geometry_geojson
from {{ ref('stg_geo__lsoa21') }} as l
left join {{ ref('stg_geo__lsoa21_boundaries') }} as b using (lsoa21cd)
