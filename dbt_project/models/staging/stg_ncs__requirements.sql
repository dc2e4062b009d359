select url_name, kind, nullif(label, '') as label, text
from {{ source('raw', 'ncs_requirements') }}
