-- Daily adverts by local authority and SOC 2020 unit group: new adverts (flow) and the live stock,
-- with part-time/flexible counts (the Plan tracks them). Days run from the first day any feed delivered.
with ads as (select * from {{ ref('fct_job_ads') }} where in_emcca),
days as (
    select cast(d as date) as day
    from range((select min(first_seen) from ads), (select max(as_of) from ads) + interval 1 day, interval 1 day) as t(d)
),
cells as (
    select
        days.day,
        coalesce(ads.la_code, 'unknown') as la_code,
        coalesce(ads.soc2020, 'uncoded') as soc2020,
        count(*) filter (where ads.first_seen = days.day) as new_adverts,
        count(*) filter (where days.day between ads.first_seen and ads.live_until) as live_adverts,
        count(*) filter (where days.day between ads.first_seen and ads.live_until and ads.part_time_or_flexible)
            as live_part_time_or_flexible,
        median(ads.annual_pay) filter (where days.day between ads.first_seen and ads.live_until
                                       and not ads.pay_outlier) as median_advertised_pay
    from days
    inner join ads on days.day between ads.first_seen and ads.live_until
    group by all
)
select * from cells
