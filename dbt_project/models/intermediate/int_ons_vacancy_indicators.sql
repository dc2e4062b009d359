-- The Plan's vacancies row from the official series: ONS new online job adverts (Textkernel), summed
-- over all SOC 2020 unit groups including uncoded adverts, per EMCCA local authority and quarter, for
-- EMCCA (the 17 authorities) and, monthly, for the East Midlands region.
-- ONS suppresses many local authority x occupation cells, so a total often includes suppressed cells:
-- it is then the sum of the published cells, flagged 'unreliable' with a note starting 'lower bound'
-- (and not rated). EMCCA's total needs all 17 authorities, or it is unknown ('suppressed').
-- ONS counts new adverts in a period; the Plan's baseline (39,415) counts adverts live in a job-ad feed,
-- so the EMCCA row says 'not comparable' and is not rated against it (local authorities and the region
-- are compared with their own value in the baseline year, a like-for-like measure).
with cells as (select * from {{ ref('stg_ons__job_advert_volumes') }}),
emcca as (select lad_code from {{ ref('stg_geo__lad') }} where in_emcca),

by_area as (
    select
        geography_code,
        period_start,
        period_end,
        any_value(frequency) as frequency,
        sum(adverts) as published_sum,
        count(*) as n_cells,
        count(*) filter (where status <> 'published') as n_suppressed,
        any_value(release) as release
    from cells
    where geography_level in ('local authority', 'region')
    group by geography_code, period_start, period_end
),

la as (select b.* from by_area b join emcca e on b.geography_code = e.lad_code),

emcca_total as (
    select
        {{ emcca_code() }} as geography_code,
        period_start,
        period_end,
        'quarterly' as frequency,
        sum(published_sum) as published_sum,
        sum(n_cells) as n_cells,
        sum(n_suppressed) as n_suppressed,
        any_value(release) as release,
        count(*) as n_areas
    from la
    group by period_start, period_end
),

rows_ as (
    select *, 1 as n_areas from by_area
    where geography_code in (select lad_code from emcca) or geography_code = {{ region_code() }}
    union all by name
    select * from emcca_total
)

select
    'vacancies' as indicator_id,
    'ONS online job adverts (Textkernel)' as source,
    'labour demand volumes by SOC 2020 (' || release || ')' as source_dataset,
    geography_code,
    cast(null as varchar) as geography_name,
    period_start,
    period_end,
    case when complete_areas and published_sum is not null then cast(published_sum as double) end as value,
    cast(null as double) as lci_95,
    cast(null as double) as uci_95,
    cast(null as double) as numerator,
    cast(null as double) as denominator,
    case when not complete_areas or published_sum is null then 'suppressed'
         when n_suppressed > 0 then 'unreliable'
         else 'reliable' end as reliability,
    concat_ws('; ',
        case when n_suppressed > 0 and complete_areas and published_sum is not null
             then 'lower bound: ' || n_suppressed || ' of ' || n_cells
                  || ' occupation cells suppressed, the published cells sum to ' || published_sum end,
        case when geography_code = {{ emcca_code() }}
             then 'not comparable with the Plan baseline (live adverts in a job-ad feed)' end,
        case when not complete_areas
             then n_areas || ' of ' || (select count(*) from emcca) || ' local authorities published' end,
        'new online adverts in the ' || case frequency when 'monthly' then 'month' else 'quarter' end
            || ' (ONS statistics in development)') as note
from (
    select *, geography_code <> {{ emcca_code() }} or n_areas = (select count(*) from emcca) as complete_areas
    from rows_
)
