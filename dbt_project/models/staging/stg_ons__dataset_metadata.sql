with source as (select * from {{ source('raw', 'ons_dataset_metadata') }})
select
    dataset, indicator, label, subtitle, source_org, source_url, source_date, description, caveats,
    -- "For Great Britain data, 2025 estimates are provisional", "Figures for 2023 are provisional"
    try_cast(nullif(regexp_extract(caveats, '(\d{4})(?: estimates| figures)? (?:are|is) provisional', 1), '')
             as integer) as provisional_year
from source
