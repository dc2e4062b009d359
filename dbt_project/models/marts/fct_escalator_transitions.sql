-- Moves from each SOC 2020 unit group to the occupations whose work is similar enough to be realistic
-- (similarity >= var escalator_viable_similarity), with the pay, barriers, skills gap and local demand
-- an adviser needs. step_type:
--   'get up'  uplift >= var escalator_get_up_min_uplift_pct, no graduate entry at the destination and
--             a job-zone step of at most var escalator_max_job_zone_step (a degree is not a small step)
--   'get on'  an entry occupation for people out of work: job zone <= var escalator_get_on_max_job_zone,
--             no graduate entry, live local adverts, and pay at least var escalator_desirable_pay_ratio
--             of the origin's (Nesta's "desirable" rule)
--   null      viable but neither
-- step_score orders steps for people (CLI, explorer, pathways by area).
with sim as (select * from {{ ref('int_soc_similarity') }}
             where similarity >= {{ var('escalator_viable_similarity') }}),
occ as (select * from {{ ref('int_soc_occupations') }}),
profiles as (select * from {{ ref('int_soc_skill_profiles') }}),
gaps as (
    -- the destination's most important skills and knowledge the origin rates lowest: what to build
    select origin_soc2020, destination_soc2020,
           string_agg(element_name, '; ' order by gap desc) as skills_to_build
    from (
        select s.origin_soc2020, s.destination_soc2020, d.element_name,
               d.importance - o.importance as gap,
               row_number() over (partition by s.origin_soc2020, s.destination_soc2020
                                  order by d.importance - o.importance desc, d.element_name) as rn
        from sim as s
        inner join profiles as d on d.soc2020 = s.destination_soc2020
        inner join profiles as o on o.soc2020 = s.origin_soc2020 and o.element_id = d.element_id
        where d.importance >= 3 and d.importance - o.importance >= 0.25
    ) as ranked
    where rn <= 3
    group by all
),
pairs as (
    select
        s.origin_soc2020,
        o.soc2020_title as origin_title,
        s.destination_soc2020,
        d.soc2020_title as destination_title,
        s.similarity,
        s.skills_similarity,
        s.knowledge_similarity,
        s.text_similarity,
        s.similarity >= {{ var('escalator_highly_viable_similarity') }} as highly_viable,
        o.median_annual_pay as origin_pay,
        d.median_annual_pay as destination_pay,
        o.pay_level as origin_pay_level,
        d.pay_level as destination_pay_level,
        round(d.median_annual_pay - o.median_annual_pay, 0) as uplift_gbp,
        round(100.0 * (d.median_annual_pay - o.median_annual_pay) / o.median_annual_pay, 1) as uplift_pct,
        d.median_annual_pay >= (1 + {{ var('escalator_ome_uplift_pct') }} / 100) * o.median_annual_pay
            as meets_ome_uplift,
        o.job_zone as origin_job_zone,
        d.job_zone as destination_job_zone,
        round(d.job_zone - o.job_zone, 2) as job_zone_change,
        d.graduate_entry as destination_graduate_entry,
        g.skills_to_build,
        d.local_adverts_recent as destination_local_adverts_recent,
        d.local_adverts_live as destination_local_adverts_live,
        d.median_advertised_pay as destination_median_advertised_pay
    from sim as s
    inner join occ as o on o.soc2020 = s.origin_soc2020
    inner join occ as d on d.soc2020 = s.destination_soc2020
    left join gaps as g using (origin_soc2020, destination_soc2020)
)
select
    *,
    case
        when not destination_graduate_entry
            and uplift_pct >= {{ var('escalator_get_up_min_uplift_pct') }}
            and job_zone_change <= {{ var('escalator_max_job_zone_step') }}
            then 'get up'
        when not destination_graduate_entry
            and destination_job_zone <= {{ var('escalator_get_on_max_job_zone') }}
            and destination_local_adverts_live > 0
            and destination_pay >= {{ var('escalator_desirable_pay_ratio') }} * origin_pay
            then 'get on'
    end as step_type,
    -- ranks steps: similar work first, pay rises count up to +50%, pay read from a broader group
    -- (unit group suppressed by ONS) counts for less
    round(similarity * (1 + least(greatest(uplift_pct, 0), 50) / 100)
          * case when destination_pay_level = 'unit group' then 1 else 0.8 end, 4) as step_score
from pairs
