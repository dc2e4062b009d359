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
full_time as (
    -- each group's full-time figures side by side: its median, and what estimates it where ONS suppresses it
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
pay as (
    -- the unit group's median; else its mean x its hourly median / mean; else x the nearest parent's
    -- annual median / mean; else the minor (then sub-major) group's median (a zero mean gives no ratio)
    select
        g.soc2020,
        coalesce(u.annual_median, e.from_hourly_shape, e.from_parent_shape, m.annual_median, s.annual_median)
            as median_annual_pay,
        case
            when u.annual_median is not null then 'unit group'
            when e.from_hourly_shape is not null
                then 'unit group estimate (median suppressed: its mean x hourly median/mean)'
            when e.from_parent_shape is not null
                then 'unit group estimate (median suppressed: its mean x parent median/mean)'
            when m.annual_median is not null then 'minor group (unit group suppressed)'
            when s.annual_median is not null then 'sub-major group (unit and minor suppressed)'
        end as pay_level
    from groups as g
    left join full_time as u on u.soc2020_code = g.soc2020
    left join full_time as m on m.soc2020_code = g.soc2020_minor
    left join full_time as s on s.soc2020_code = g.soc2020_sub_major
    left join full_time as j on j.soc2020_code = g.soc2020_major
    cross join lateral (
        select
            round(u.annual_mean * u.hourly_median / nullif(u.hourly_mean, 0)) as from_hourly_shape,
            round(u.annual_mean * coalesce(m.annual_median / nullif(m.annual_mean, 0),
                                           s.annual_median / nullif(s.annual_mean, 0),
                                           j.annual_median / nullif(j.annual_mean, 0))) as from_parent_shape
    ) as e
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
    pay.median_annual_pay,
    pay.pay_level,
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
left join pay on pay.soc2020 = g.soc2020
left join jobs on jobs.soc2020_code = g.soc2020
left join sized_major as sized on sized.soc2020 = g.soc2020
left join hourly as h_unit on h_unit.soc2020_code = g.soc2020
left join hourly as h_minor on h_minor.soc2020_code = g.soc2020_minor
left join zones on zones.soc2020 = g.soc2020
left join demand on demand.soc2020 = g.soc2020
