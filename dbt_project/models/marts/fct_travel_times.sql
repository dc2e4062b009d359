-- Public-transport travel times between EMCCA LSOAs (origins and destinations: population-weighted
-- centroids): median and 80th-percentile minutes over each departure window, pairs within 120 minutes.
-- synthetic_network is true while the embedded stand-in network is in use: not real services.
select origin_lsoa as origin_lsoa21cd, destination_lsoa as destination_lsoa21cd, time_window, p50_minutes, p80_minutes, engine, network_version, routing_date,
       synthetic_network
from {{ ref('stg_transport__travel_times') }}
