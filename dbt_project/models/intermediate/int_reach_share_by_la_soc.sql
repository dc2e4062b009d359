-- For each local authority and SOC 2020 unit group: the share of that occupation's live EMCCA adverts
-- reachable within 45 minutes (median, 07:00-10:00), averaged over the LA's LSOAs.
with tt as (select * from {{ ref('fct_travel_times') }} where time_window = 'am_peak'),
ads as (select * from {{ ref('int_job_ad_places') }} where soc2020 is not null),
totals as (select soc2020, count(*) as adverts from ads group by 1),
lsoa as (select lsoa21cd, lad_code from {{ ref('stg_geo__lsoa21') }}),
per_lsoa as (
    select lsoa.lad_code, lsoa.lsoa21cd, ads.soc2020, count(*) as reachable
    from lsoa
    inner join tt on tt.origin_lsoa21cd = lsoa.lsoa21cd and tt.p50_minutes <= 45
    inner join ads on ads.lsoa21cd = tt.destination_lsoa21cd
    group by all
),
grid as (
    select lsoa.lad_code, lsoa.lsoa21cd, totals.soc2020, totals.adverts
    from lsoa cross join totals
)
select
    grid.lad_code as la_code,
    grid.soc2020,
    round(avg(coalesce(per_lsoa.reachable, 0) / grid.adverts), 3) as share_adverts_reachable_45min
from grid
left join per_lsoa using (lad_code, lsoa21cd, soc2020)
group by all
