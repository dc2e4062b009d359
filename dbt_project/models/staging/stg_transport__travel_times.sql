with source as (select * from {{ source('derived', 'travel_times') }})
select origin_lsoa, destination_lsoa, "window" as time_window, p50_minutes, p80_minutes, engine, network_version,
       routing_date, synthetic_network
from source
