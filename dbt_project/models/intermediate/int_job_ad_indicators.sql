-- Tracker rows from the job-ad feeds, at the latest day any feed delivered:
--   vacancies                   live adverts (6-week convention) in EMCCA and each local authority
--   skill_shortage_occupations  SOC 2020 unit groups whose share of live EMCCA adverts is at least twice
--                               their share of UK employee jobs (ASHE 2023p), with at least 3 adverts:
--                               a demand-pressure proxy defined by this platform, not an official list
-- When only the embedded Nottinghamshire public-sector file feeds the platform, the rows say so
-- ("partial coverage") and are not RAG-rated against the Plan's all-vacancy baseline.
with ads as (select * from {{ ref('stg_jobads__adverts') }} where in_emcca),
as_of as (select max(last_seen) as day from ads),
live as (
    select ads.*
    from ads cross join as_of
    where as_of.day between ads.first_seen and coalesce(ads.closing_date, cast(ads.first_seen + interval 42 day as date))
),
coverage as (
    select case when count(*) filter (where source <> 'notts_public_sector') = 0
                then 'partial coverage: embedded Nottinghamshire public-sector vacancies only; '
                else '' end as note,
           string_agg(distinct source, ', ' order by source) as sources
    from live
),
by_area as (
    select {{ emcca_code() }} as geography_code, count(*) as n, count(*) filter (where part_time or flexible) as ptf from live
    union all
    select la_code, count(*), count(*) filter (where part_time or flexible) from live where la_code is not null group by la_code
),
uk_jobs as (
    select soc2020_code as soc2020, n_jobs_thousands / sum(n_jobs_thousands) over () as uk_share
    from {{ ref('stg_ashe__pay') }}
    where pay_basis = 'annual' and workforce = 'all_employees' and soc_level = 4 and n_jobs_thousands is not null
),
shortage as (
    select l.soc2020, count(*) as n, count(*) / sum(count(*)) over () as local_share
    from live as l where l.soc2020 is not null group by l.soc2020
),
shortage_list as (
    select s.soc2020, s.n from shortage s join uk_jobs u using (soc2020)
    where s.n >= 3 and s.local_share >= 2 * u.uk_share
)
select
    'vacancies' as indicator_id,
    'Job-ad feeds (' || coverage.sources || ')' as source,
    'raw.job_ads' as source_dataset,
    b.geography_code,
    cast(null as varchar) as geography_name,
    as_of.day as period_start,
    as_of.day as period_end,
    cast(b.n as double) as value,
    cast(null as double) as lci_95,
    cast(null as double) as uci_95,
    cast(b.ptf as double) as numerator,
    cast(b.n as double) as denominator,
    case when coverage.note <> '' then 'unreliable' else 'reliable' end as reliability,
    coverage.note || b.ptf || ' of ' || b.n || ' live adverts part-time or flexible' as note
from by_area b cross join as_of cross join coverage
union all
select
    'skill_shortage_occupations',
    'Job-ad feeds (' || coverage.sources || ') and ASHE 2023p',
    'raw.job_ads',
    {{ emcca_code() }},
    cast(null as varchar),
    as_of.day,
    as_of.day,
    cast((select count(*) from shortage_list) as double),
    null, null, null, null,
    case when coverage.note <> '' then 'unreliable' else 'reliable' end,
    coverage.note || coalesce('SOC ' || (select string_agg(soc2020 || ' (' || n || ')', ', ' order by n desc)
                                        from shortage_list), 'none')
from as_of cross join coverage
where as_of.day is not null
