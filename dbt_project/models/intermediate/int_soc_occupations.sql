-- One row per SOC 2020 unit group with what the escalator needs to judge a move into it:
--   pay      ASHE 2023p median gross annual pay of full-time employees. Where ONS suppresses the unit
--            group's median it often still publishes the group's own mean (and hourly median and mean):
--            the median is then estimated as the annual mean x the group's hourly median / hourly mean, or
--            x its nearest parent group's annual median / mean; only then the minor group's (then
--            sub-major's) median. pay_level says which. On the 322 groups whose median ASHE publishes, the
--            first estimate is 2.2% off the median (90th percentile 5.4%), the second 2.4% (8.3%), the
--            parent's median 6.8% (20.8%): a supervisors' group borrowing its workers' median looked no
--            better paid than them (production supervisors 8160: parent 27,751, estimate 34,099)
--   jobs     UK employee jobs in the unit group (ASHE, all employees), thousands; ASHE gives no count for
--            118 of the 412 unit groups, so uk_jobs_estimated shares out what the nearest counted parent
--            group (minor, sub-major, major) leaves after its counted unit groups, evenly over the uncounted
--            ones (uk_jobs_level says which): a size for the escalator ranker, where a missing count read
--            as zero jobs had marked care managers (1232) and production supervisors (8160) as tiny
--   job zone O*NET job zone (1-5) weighted through the crosswalk
--   graduate entry  SOC 2020 major group 2 (professional occupations, degree-level by definition), or
--            major groups 1 and 3 whose ONS entry-routes text says a degree is the usual route
--   demand   EMCCA adverts first seen in the last N days (var escalator_advert_window_days) and live now
with groups as (select * from {{ ref('stg_soc__unit_groups') }}),
pay as (
    select soc2020_code, median_pay_gbp
    from {{ ref('stg_ashe__pay') }}
    where pay_basis = 'annual' and workforce = 'full_time' and median_pay_gbp is not null
),
jobs as (
    select soc2020_code, n_jobs_thousands
    from {{ ref('stg_ashe__pay') }}
    where pay_basis = 'annual' and workforce = 'all_employees' and soc_level = 4
),
counts as (
    select soc2020_code as code, n_jobs_thousands as n
    from {{ ref('stg_ashe__pay') }}
    where pay_basis = 'annual' and workforce = 'all_employees' and n_jobs_thousands is not null
),
unit_jobs as (
    select g.soc2020, g.soc2020_minor, g.soc2020_sub_major, g.soc2020_major, c.n
    from groups as g left join counts as c on c.code = g.soc2020
),
{% for level, finer, previous in [('minor', 'n', 'unit_jobs'), ('sub_major', 'est_minor', 'sized_minor'),
                                   ('major', 'est_sub_major', 'sized_sub_major')] %}
share_{{ level }} as (
    -- what the {{ level }} group's count leaves after the sizes known so far, over the unit groups still unsized
    select u.soc2020_{{ level }} as parent,
           greatest(c.n - coalesce(sum(u.{{ finer }}), 0), 0) / count(*) filter (where u.{{ finer }} is null) as share
    from {{ previous }} as u
    inner join counts as c on c.code = u.soc2020_{{ level }}
    group by u.soc2020_{{ level }}, c.n
    having count(*) filter (where u.{{ finer }} is null) > 0
),
sized_{{ level }} as (
    select u.*, coalesce(u.{{ finer }}, s.share) as est_{{ level }}
    from {{ previous }} as u
    left join share_{{ level }} as s on s.parent = u.soc2020_{{ level }}
),
{% endfor %}
full_time as (
    -- each group's full-time figures side by side: the estimates for a suppressed median use them
    select
        soc2020_code,
        max(median_pay_gbp) filter (where pay_basis = 'annual') as annual_median,
        max(mean_pay_gbp) filter (where pay_basis = 'annual') as annual_mean,
        max(median_pay_gbp) filter (where pay_basis = 'hourly') as hourly_median,
        max(mean_pay_gbp) filter (where pay_basis = 'hourly') as hourly_mean
    from {{ ref('stg_ashe__pay') }}
    where workforce = 'full_time'
    group by 1
),
pay_estimate as (
    select
        g.soc2020,
        round(own.annual_mean * own.hourly_median / own.hourly_mean) as from_hourly_shape,
        round(own.annual_mean * coalesce(m.annual_median / m.annual_mean, s.annual_median / s.annual_mean,
                                         j.annual_median / j.annual_mean)) as from_parent_shape
    from groups as g
    left join full_time as own on own.soc2020_code = g.soc2020
    left join full_time as m on m.soc2020_code = g.soc2020_minor
    left join full_time as s on s.soc2020_code = g.soc2020_sub_major
    left join full_time as j on j.soc2020_code = g.soc2020_major
),
hourly as (
    select soc2020_code, median_pay_gbp as median_hourly_pay
    from {{ ref('stg_ashe__pay') }}
    where pay_basis = 'hourly' and workforce = 'all_employees' and median_pay_gbp is not null
),
zones as (
    select xw.soc2020, sum(xw.weight * jz.job_zone) / nullif(sum(xw.weight), 0) as job_zone
    from {{ ref('stg_onet__uk_crosswalk') }} as xw
    inner join {{ ref('stg_onet__job_zones') }} as jz using (onetsoc_code)
    group by 1
),
ads as (select * from {{ ref('fct_job_ads') }} where in_emcca and soc2020 is not null),
demand as (
    select
        soc2020,
        count(*) filter (where first_seen > as_of - interval {{ var('escalator_advert_window_days') }} day)
            as adverts_recent,
        count(*) filter (where is_live) as adverts_live,
        median(annual_pay) filter (where not pay_outlier) as median_advertised_pay
    from ads
    group by 1
)
select
    g.soc2020,
    g.soc2020_title,
    g.soc2020_major,
    g.soc2020_sub_major,
    g.soc2020_minor,
    g.minor_title,
    coalesce(unit.median_pay_gbp, est.from_hourly_shape, est.from_parent_shape, minor.median_pay_gbp,
             sub.median_pay_gbp) as median_annual_pay,
    case
        when unit.median_pay_gbp is not null then 'unit group'
        when est.from_hourly_shape is not null then 'unit group estimate (median suppressed: its mean x hourly median/mean)'
        when est.from_parent_shape is not null then 'unit group estimate (median suppressed: its mean x parent median/mean)'
        when minor.median_pay_gbp is not null then 'minor group (unit group suppressed)'
        when sub.median_pay_gbp is not null then 'sub-major group (unit and minor suppressed)'
    end as pay_level,
    coalesce(h_unit.median_hourly_pay, h_minor.median_hourly_pay) as median_hourly_pay,
    jobs.n_jobs_thousands as uk_jobs_thousands,
    round(sized.est_major, 2) as uk_jobs_estimated,
    case
        when sized.n is not null then 'unit group'
        when sized.est_minor is not null then 'minor group remainder'
        when sized.est_sub_major is not null then 'sub-major group remainder'
        when sized.est_major is not null then 'major group remainder'
    end as uk_jobs_level,
    round(zones.job_zone, 2) as job_zone,
    g.soc2020_major = '2'
        or (g.soc2020_major in ('1', '3')
            and regexp_matches(lower(g.entry_routes),
                '(degree[^.]*(usual|normal|essential|required|necessary|common))|((usual|normal|essential|required|require|typically|most common|must)[^.]*degree)'))
        as graduate_entry,
    coalesce(demand.adverts_recent, 0) as local_adverts_recent,
    coalesce(demand.adverts_live, 0) as local_adverts_live,
    demand.median_advertised_pay
from groups as g
left join pay as unit on unit.soc2020_code = g.soc2020
left join pay as minor on minor.soc2020_code = g.soc2020_minor
left join pay as sub on sub.soc2020_code = g.soc2020_sub_major
left join pay_estimate as est on est.soc2020 = g.soc2020
left join jobs on jobs.soc2020_code = g.soc2020
left join sized_major as sized on sized.soc2020 = g.soc2020
left join hourly as h_unit on h_unit.soc2020_code = g.soc2020
left join hourly as h_minor on h_minor.soc2020_code = g.soc2020_minor
left join zones on zones.soc2020 = g.soc2020
left join demand on demand.soc2020 = g.soc2020
