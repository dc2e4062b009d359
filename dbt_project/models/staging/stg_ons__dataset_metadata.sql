with source as (select * from {{ source('raw', 'ons_dataset_metadata') }})
select dataset, indicator, label, subtitle, source_org, source_url, source_date, description, caveats
from source
