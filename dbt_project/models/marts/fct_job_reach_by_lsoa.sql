-- Cumulative opportunities: live EMCCA job adverts reachable from each LSOA by public transport within
-- 15/30/45/60 minutes (median journey, 07:00-10:00), within 45 minutes in the early-shift window
-- (05:00-07:00), and within 45 minutes by SOC 2020 major group (jobs_45min_soc1 .. soc9).
with tt as (select * from {{ ref('fct_travel_times') }}),
ads as (select * from {{ ref('int_job_ad_places') }}),
lsoa as (select lsoa21cd, lsoa21nm, lad_code, lad_name from {{ ref('stg_geo__lsoa21') }}),
reach as (
    select
        tt.origin_lsoa21cd as lsoa21cd,
        count(ads.advert_key) filter (where tt.time_window = 'am_peak' and tt.p50_minutes <= 15) as jobs_15min,
        count(ads.advert_key) filter (where tt.time_window = 'am_peak' and tt.p50_minutes <= 30) as jobs_30min,
        count(ads.advert_key) filter (where tt.time_window = 'am_peak' and tt.p50_minutes <= 45) as jobs_45min,
        count(ads.advert_key) filter (where tt.time_window = 'am_peak' and tt.p50_minutes <= 60) as jobs_60min,
        count(ads.advert_key) filter (where tt.time_window = 'early_shift' and tt.p50_minutes <= 45)
            as jobs_45min_early_shift,
        {% for g in range(1, 10) %}
        count(ads.advert_key) filter (where tt.time_window = 'am_peak' and tt.p50_minutes <= 45
                                      and ads.soc2020_major = '{{ g }}') as jobs_45min_soc{{ g }},
        {% endfor %}
        any_value(tt.network_version) as network_version,
        bool_or(tt.synthetic_network) as synthetic_network
    from tt
    inner join ads on ads.lsoa21cd = tt.destination_lsoa21cd
    group by 1
)
select
    lsoa.lsoa21cd, lsoa.lsoa21nm, lsoa.lad_code as la_code, lsoa.lad_name as la_name,
    coalesce(reach.jobs_15min, 0) as jobs_15min,
    coalesce(reach.jobs_30min, 0) as jobs_30min,
    coalesce(reach.jobs_45min, 0) as jobs_45min,
    coalesce(reach.jobs_60min, 0) as jobs_60min,
    coalesce(reach.jobs_45min_early_shift, 0) as jobs_45min_early_shift,
    {% for g in range(1, 10) %}coalesce(reach.jobs_45min_soc{{ g }}, 0) as jobs_45min_soc{{ g }},
    {% endfor %}
    coalesce(reach.network_version, (select any_value(network_version) from tt)) as network_version,
    coalesce(reach.synthetic_network, (select bool_or(synthetic_network) from tt)) as synthetic_network
from lsoa
left join reach using (lsoa21cd)
