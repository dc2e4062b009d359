-- Where each live EMCCA advert is, as an LSOA: its own when a postcode or coordinates gave one; otherwise
-- the centre of its local authority (the LSOA centroid nearest the mean of the LA's population-weighted
-- centroids), flagged place_precision = 'la centre'. Reach counts inherit that approximation.
with lsoa as (select * from {{ ref('stg_geo__lsoa21') }}),
centres as (
    select lad_code, arg_min(lsoa21cd, power(pwc_lat - m_lat, 2) + power((pwc_lon - m_lon) * 0.6, 2)) as centre_lsoa
    from (select *, avg(pwc_lat) over (partition by lad_code) as m_lat,
                    avg(pwc_lon) over (partition by lad_code) as m_lon from lsoa)
    group by 1
)
select
    a.advert_key,
    a.soc2020,
    substr(a.soc2020, 1, 1) as soc2020_major,
    a.la_code,
    coalesce(a.lsoa21cd, c.centre_lsoa) as lsoa21cd,
    case when a.lsoa21cd is not null then 'lsoa' else 'la centre' end as place_precision
from {{ ref('fct_job_ads') }} as a
left join centres as c on c.lad_code = a.la_code
where a.in_emcca and a.is_live and coalesce(a.lsoa21cd, c.centre_lsoa) is not null
