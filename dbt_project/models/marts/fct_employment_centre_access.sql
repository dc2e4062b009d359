-- JTS-style access to employment centres (DfT Journey Time Statistics definitions): an employment centre
-- is an LSOA with 100-499, 500-4,999 or 5,000+ jobs (BRES). For each EMCCA LSOA, the minimum median
-- public-transport time (07:00-10:00) to the nearest centre of each size; 0 when the LSOA is one.
-- Empty until jobs data is connected (sources.nomis_small_area): no figure is invented offline.
with jp as (select * from {{ ref('stg_nomis__lsoa_jobs_population') }}),
centres as (
    select lsoa21cd,
           case when jobs >= 5000 then '5000_plus' when jobs >= 500 then '500_4999'
                when jobs >= 100 then '100_499' end as centre_band
    from jp
    where jobs >= 100
),
tt as (
    select origin_lsoa21cd, destination_lsoa21cd, p50_minutes, network_version, synthetic_network
    from {{ ref('fct_travel_times') }}
    where time_window = 'am_peak'
),
nearest as (
    select tt.origin_lsoa21cd as lsoa21cd,
           min(tt.p50_minutes) filter (where c.centre_band = '100_499') as minutes_to_centre_100_499,
           min(tt.p50_minutes) filter (where c.centre_band = '500_4999') as minutes_to_centre_500_4999,
           min(tt.p50_minutes) filter (where c.centre_band = '5000_plus') as minutes_to_centre_5000_plus
    from tt
    inner join centres as c on c.lsoa21cd = tt.destination_lsoa21cd
    group by 1
)
select
    lsoa.lsoa21cd,
    lsoa.lad_code as la_code,
    lsoa.lad_name as la_name,
    jp.working_age_population,
    jp.jobs,
    nearest.minutes_to_centre_100_499,
    nearest.minutes_to_centre_500_4999,
    nearest.minutes_to_centre_5000_plus,
    jp.jobs_period,
    jp.population_period,
    (select any_value(network_version) from tt) as network_version,
    (select bool_or(synthetic_network) from tt) as synthetic_network
from {{ ref('stg_geo__lsoa21') }} as lsoa
inner join jp using (lsoa21cd)
left join nearest using (lsoa21cd)
