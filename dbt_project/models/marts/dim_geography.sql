-- The tracker's geographies: EMCCA, its 17 local authorities, the East Midlands region, England, from the
-- one geography seed. (ONS labels EMCCA "East Midlands" like the region, so everything joins on codes.)
select geography_code, geography_name, geography_level, parent_code, level_order
from {{ ref('geographies') }}
