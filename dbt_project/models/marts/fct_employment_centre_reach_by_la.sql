-- Share of working-age residents (16-64) within 15/30/45/60 minutes of an employment centre of each size,
-- by local authority and for EMCCA: the JTS "users within x minutes" indicators. Weighted by residents;
-- LSOAs with no route to a centre within 120 minutes count as not within reach.
with access as (select * from {{ ref('fct_employment_centre_access') }}),
areas as (
    select la_code as geography_code, la_name as geography_name, 'local authority' as geography_level, * from access
    union all
    select {{ emcca_code() }}, 'East Midlands Combined County Authority', 'combined authority', * from access
),
bands as (select unnest(['100_499', '500_4999', '5000_plus']) as centre_band),
thresholds as (select unnest([15, 30, 45, 60]) as within_minutes)
select
    a.geography_code,
    any_value(a.geography_name) as geography_name,
    any_value(a.geography_level) as geography_level,
    b.centre_band,
    t.within_minutes,
    sum(a.working_age_population) as working_age_population,
    sum(a.working_age_population) filter (where case b.centre_band
            when '100_499' then a.minutes_to_centre_100_499
            when '500_4999' then a.minutes_to_centre_500_4999
            else a.minutes_to_centre_5000_plus end <= t.within_minutes) as residents_within,
    round(coalesce(residents_within, 0) / nullif(sum(a.working_age_population), 0), 4) as share_within,
    any_value(a.synthetic_network) as synthetic_network
from areas as a
cross join bands as b
cross join thresholds as t
group by a.geography_code, b.centre_band, t.within_minutes
