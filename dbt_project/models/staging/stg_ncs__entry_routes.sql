select url_name, route_type, route_text, nullif(entry_requirements, '') as entry_requirements
from {{ source('raw', 'ncs_entry_routes') }}
