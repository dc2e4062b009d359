-- The tracker's geographies: EMCCA, its 17 local authorities, the East Midlands region, England.
-- (ONS labels EMCCA "East Midlands" like the region, so everything joins on codes.)
with lads as (
    select lad_code as geography_code, lad_name as geography_name, 'local authority' as geography_level,
           'E47000013' as parent_code, 2 as level_order
    from {{ ref('stg_geo__lad') }}
    where in_emcca
),
others as (
    select * from (values
        ('E47000013', 'East Midlands Combined County Authority', 'combined authority', 'E12000004', 1),
        ('E12000004', 'East Midlands (region)', 'region', 'E92000001', 3),
        ('E92000001', 'England', 'country', null, 4)
    ) as t(geography_code, geography_name, geography_level, parent_code, level_order)
)
select * from others
union all
select * from lads
