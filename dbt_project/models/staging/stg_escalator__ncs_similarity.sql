select origin_soc2020, destination_soc2020, ncs_similarity
from {{ source('derived', 'soc2020_ncs_similarity') }}
