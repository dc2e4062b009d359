-- Every observation that feeds a Plan indicator, from every connected source, in one shape.
-- Derived series (documented in dim_indicator): long-term-sick inactivity as a share of the 16-64
-- population, the lowest local-authority employment rate in EMCCA, and the disability employment gap
-- (APS employment rate of people not disabled minus that of disabled people, in percentage points), and
-- the earnings gaps to England (GDHI per head and median weekly pay, £ and % of England).
with ons as (
    select
        s.indicator_id,
        s.source,
        o.dataset as source_dataset,
        o.geography_code,
        o.geography_name,
        o.period_start,
        o.period_end,
        o.value,
        o.lci_95,
        o.uci_95,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        case
            when o.value is null then 'suppressed'
            when o.status_marker = 'x' or o.notes ilike '%unreliable%' then 'unreliable'
            else 'reliable'
        end as reliability,
        cast(null as varchar) as note
    from {{ ref('stg_ons__local_indicators') }} as o
    inner join {{ ref('indicator_sources') }} as s
        on o.dataset = s.dataset and o.indicator = s.source_indicator
),

nomis as (
    select
        indicator_id, source, source_dataset, geography_code, geography_name, period_start, period_end,
        value, lci_95, uci_95, numerator, denominator, reliability, cast(null as varchar) as note
    from {{ ref('stg_nomis__observations') }}
    union all
    select
        indicator_id, source, source_dataset, geography_code, geography_name, period_start, period_end,
        value, lci_95, uci_95, numerator, denominator, reliability, cast(null as varchar) as note
    from {{ ref('stg_statxplore__observations') }}
    union all
    select
        indicator_id, source, source_dataset, geography_code, geography_name, period_start, period_end,
        value, lci_95, uci_95, numerator, denominator, reliability, note
    from {{ ref('stg_dfe__neet_observations') }}
),

long_term_sick as (
    -- inactivity rate (% of 16-64) x share of the inactive who are long-term sick (%) / 100
    select
        'long_term_sick_inactivity' as indicator_id,
        'ONS Explore Local Statistics (derived)' as source,
        'employment-rate x economically-inactive-due-to-long-term-sickness' as source_dataset,
        i.geography_code,
        i.geography_name,
        i.period_start,
        i.period_end,
        round(i.value * l.value / 100, 1) as value,
        cast(null as double) as lci_95,
        cast(null as double) as uci_95,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        case when 'unreliable' in (i.reliability, l.reliability) then 'unreliable' else 'reliable' end as reliability,
        'inactivity rate ' || i.value || '% x long-term sick share of inactive ' || l.value || '%' as note
    from ons as i
    inner join ons as l
        on i.geography_code = l.geography_code and i.period_start = l.period_start
    where i.indicator_id = 'economic_inactivity_rate'
      and l.indicator_id = 'long_term_sick_share_of_inactive'
      and i.value is not null and l.value is not null
),

disability_gap as (
    -- CI of a difference of two independent estimates: sqrt(h1^2 + h2^2) (an approximation: both come
    -- from the same APS sample; ONS does not publish the gap's own CI by local authority)
    select
        'disability_employment_gap' as indicator_id,
        n.source,
        n.source_dataset || ' (not disabled minus disabled)' as source_dataset,
        n.geography_code,
        n.geography_name,
        n.period_start,
        n.period_end,
        round(n.value - d.value, 1) as value,
        round(n.value - d.value - sqrt((n.uci_95 - n.value) ^ 2 + (d.uci_95 - d.value) ^ 2), 1) as lci_95,
        round(n.value - d.value + sqrt((n.uci_95 - n.value) ^ 2 + (d.uci_95 - d.value) ^ 2), 1) as uci_95,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        case when 'suppressed' in (n.reliability, d.reliability) then 'suppressed'
             when 'unreliable' in (n.reliability, d.reliability) then 'unreliable'
             else 'reliable' end as reliability,
        'employment rate not disabled ' || n.value || '% minus disabled ' || d.value || '%' as note
    from nomis as n
    inner join nomis as d
        on n.geography_code = d.geography_code and n.period_start = d.period_start
       and n.period_end = d.period_end
    where n.indicator_id = 'employment_rate_not_disabled' and d.indicator_id = 'employment_rate_disabled'
),

primary_obs as (
    -- one source per indicator x geography x period: Nomis (fresher) before the ONS files
    select * from (select * from nomis union all select * from ons union all select * from long_term_sick
                   union all select * from disability_gap)
    qualify row_number() over (
        partition by indicator_id, geography_code, period_start, period_end
        order by case when source = 'Nomis' then 0 else 1 end
    ) = 1
),

emcca_rate as (
    select period_start, period_end, value, (uci_95 - lci_95) / 2 as half
    from primary_obs where indicator_id = 'employment_rate' and geography_code = {{ emcca_code() }}
),

la_rates as (
    select e.*, (e.uci_95 - e.lci_95) / 2 as half
    from primary_obs as e
    inner join {{ ref('stg_geo__lad') }} as lad on e.geography_code = lad.lad_code and lad.in_emcca
    where e.indicator_id = 'employment_rate' and e.value is not null
),

lowest_la as (
    -- the lowest of the 17 authorities, with how far its 95% CI overlaps the others' and whether it is
    -- significantly below the EMCCA rate (difference beyond sqrt(h1^2 + h2^2)); a ranking by point
    -- estimate alone is not a finding, so the row is rated only when it is ("not significant" otherwise)
    select
        'employment_rate_lowest_la' as indicator_id,
        low.source,
        low.source_dataset,
        {{ emcca_code() }} as geography_code,
        'East Midlands Combined County Authority' as geography_name,
        low.period_start,
        low.period_end,
        low.value,
        low.lci_95,
        low.uci_95,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        low.reliability,
        case when em.value is null or low.half is null or em.half is null
                  or em.value - low.value <= sqrt(low.half ^ 2 + em.half ^ 2)
             then 'not significant: ' else '' end
        || 'lowest: ' || low.geography_name || ' (' || low.value || '%); its 95% CI overlaps '
        || (select count(*) from la_rates as o
            where o.period_start = low.period_start and o.period_end = low.period_end
              and o.geography_code <> low.geography_code and o.lci_95 <= low.uci_95)
        || ' of the other 16 authorities; EMCCA ' || coalesce(cast(em.value as varchar), 'not published')
        || '%, ' || case when em.value - low.value > sqrt(low.half ^ 2 + em.half ^ 2)
                         then 'significantly below it' else 'not significantly below it' end as note
    from (select *, row_number() over (partition by period_start, period_end order by value, geography_code) as rn,
                 count(*) over (partition by period_start, period_end) as n_las
          from la_rates) as low
    left join emcca_rate as em using (period_start, period_end)
    where low.rn = 1 and low.n_las = 17
),

earnings_gaps as (
    -- the Plan's earnings row is a difference to the national average: each area minus England (£) and
    -- as a percentage of England, CIs of a difference / ratio of two independent estimates
    select
        replace(replace(a.indicator_id, 'gdhi_per_head', 'earnings_gap_gdhi'),
                'gross_median_weekly_pay', 'earnings_gap_pay') || g.suffix as indicator_id,
        a.source,
        a.source_dataset || ' (area ' || g.how || ' England)' as source_dataset,
        a.geography_code,
        a.geography_name,
        a.period_start,
        a.period_end,
        round(g.value, 2) as value,
        round(g.value - g.half, 2) as lci_95,
        round(g.value + g.half, 2) as uci_95,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        case when 'suppressed' in (a.reliability, e.reliability) then 'suppressed'
             when 'unreliable' in (a.reliability, e.reliability) then 'unreliable'
             else 'reliable' end as reliability,
        'area ' || a.value || ', England ' || e.value as note
    from primary_obs as a
    inner join primary_obs as e
        on e.indicator_id = a.indicator_id and e.geography_code = {{ england_code() }}
       and e.period_start = a.period_start and e.period_end = a.period_end
    cross join lateral (
        select '_gbp' as suffix, 'minus' as how, a.value - e.value as value,
               sqrt(((a.uci_95 - a.lci_95) / 2) ^ 2 + ((e.uci_95 - e.lci_95) / 2) ^ 2) as half
        union all
        select '_pct', 'as % of', 100 * a.value / e.value,
               100 * a.value / e.value
               * sqrt(((a.uci_95 - a.lci_95) / 2 / a.value) ^ 2 + ((e.uci_95 - e.lci_95) / 2 / e.value) ^ 2)
    ) as g
    where a.indicator_id in ('gdhi_per_head', 'gross_median_weekly_pay')
      and a.geography_code <> {{ england_code() }} and a.value is not null and e.value is not null
),

select * from primary_obs
where indicator_id not in ('long_term_sick_share_of_inactive', 'employment_rate_disabled',
                           'employment_rate_not_disabled')  -- inputs of derived series
union all
select * from lowest_la
union all
select * from earnings_gaps
union all
-- vacancies: the official ONS series when connected; the job-ad feeds' live stock otherwise
select * from {{ ref('int_ons_vacancy_indicators') }}
union all
select * from {{ ref('int_job_ad_indicators') }}
where indicator_id <> 'vacancies' or not exists (select 1 from {{ ref('int_ons_vacancy_indicators') }})
