with source as (select * from {{ source('raw', 'soc2010_soc2020_proportions') }})
select
    soc2010,
    soc2010_title,
    soc2020,
    soc2020_title,
    -- ONS dual-coding shares; LFS men+women averaged where both exist (used to map SOC 2010 coders)
    coalesce((men_lfs_perc_2020 + women_lfs_perc_2020) / 2, men_lfs_perc_2020, women_lfs_perc_2020,
             men_census_perc_2020, women_census_perc_2020) as share_of_soc2010
from source
