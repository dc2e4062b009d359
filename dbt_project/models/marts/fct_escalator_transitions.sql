-- Moves from each SOC 2020 unit group to the occupations whose work is similar enough to be realistic
-- (similarity >= var escalator_viable_similarity, or a management rung: see sim below), with pay, routes
-- in, barriers and local demand.
-- One row per origin x destination x step_type; a pair that is neither step appears once with a null
-- step_type. Rules (README "How the escalator decides"; thresholds are dbt vars):
--   'get up'  a next rung: uplift between var escalator_get_up_min_uplift_pct and
--             var escalator_get_up_max_uplift_pct (a bigger move is a ladder, fct_escalator_ladders), no
--             graduate entry, a job-zone step of at most var escalator_max_job_zone_step, and
--             plausible for the origin:
--               - a manager or director (major group 1) only from a supervisory or managerial origin, in a
--                 similar field (uk_similarity, the mean of the UK text facets ONS and NCS, >= var
--                 escalator_uk_field_similarity; O*NET's profiles reach UK managers through a
--                 weak crosswalk, so they do not decide the field, and NCS's route in - direct, work
--                 your way up, level 1-2 - stands in for the job-zone bound); chief executives
--                 and elected officers only from major group 1
--               - the armed forces only from protective-service origins
--   'get on'  a route into work for someone out of work who last did the origin job: the destination
--             can be entered by direct application or a short route (NCS: direct or work route, or an
--             apprenticeship / college course at level 1-2), job zone <= var escalator_get_on_max_job_zone,
--             no graduate entry, similar work, and local demand (live adverts in the feeds; where the
--             feeds cover only part of the market, employment of 100k+ UK jobs stands in, and
--             demand_evidence says which). Pay is compared with being out of work, not with the origin.
-- step_rank orders each origin's steps of one type: destinations whose pay ONS measured for the unit
-- group first (never below one whose pay is borrowed from a wider group), then step_score.
with occ as (select * from {{ ref('int_soc_occupations') }}),
sim as (
    -- viable: similar work overall, or a rung into management in the same line of work. O*NET's profiles
    -- and job zones reach UK managers through a weak crosswalk (senior care worker -> care home manager
    -- scores 0 on both O*NET facets), so for those rungs the UK descriptions decide
    select s.*, {{ management_rung('s', 'o', 'd') }} as management_rung
    from {{ ref('int_soc_similarity') }} as s
    inner join occ as o on o.soc2020 = s.origin_soc2020
    inner join occ as d on d.soc2020 = s.destination_soc2020
    where s.similarity >= {{ var('escalator_viable_similarity') }} or management_rung  -- DuckDB: select alias
),
careers as (select * from {{ ref('int_soc_careers') }}),
profiles as (select * from {{ ref('int_soc_skill_profiles') }}),
jobs as (
    select soc2020_code as soc2020, n_jobs_thousands
    from {{ ref('stg_ashe__pay') }}
    where pay_basis = 'annual' and workforce = 'all_employees' and soc_level = 4
),
feed as (
    -- the feeds cover the whole market only when something beyond the embedded public-sector file is in
    select count(*) filter (where source <> 'notts_public_sector') > 0 as full_coverage
    from {{ ref('fct_job_ads') }}
),
gaps as (
    -- the destination's most important skills and knowledge the origin rates lowest: what to build
    select origin_soc2020, destination_soc2020,
           string_agg(element_name, '; ' order by gap desc, element_name) as skills_to_build
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
        s.ncs_similarity,
        round({{ uk_similarity('s') }}, 4) as uk_similarity,
        s.management_rung,
        s.similarity >= {{ var('escalator_viable_similarity') }} as similar_work,
        s.similarity >= {{ var('escalator_highly_viable_similarity') }} as highly_viable,
        o.median_annual_pay as origin_pay,
        d.median_annual_pay as destination_pay,
        o.pay_level as origin_pay_level,
        d.pay_level as destination_pay_level,
        d.pay_level = 'unit group' as destination_pay_measured,
        round(d.median_annual_pay - o.median_annual_pay, 0) as uplift_gbp,
        round(100.0 * (d.median_annual_pay - o.median_annual_pay) / o.median_annual_pay, 1) as uplift_pct,
        d.median_annual_pay >= (1 + {{ var('escalator_ome_uplift_pct') }} / 100) * o.median_annual_pay
            as meets_ome_uplift,
        o.job_zone as origin_job_zone,
        d.job_zone as destination_job_zone,
        round(d.job_zone - o.job_zone, 2) as job_zone_change,
        d.graduate_entry as destination_graduate_entry,
        g.skills_to_build,
        c.ncs_title as destination_ncs_title,
        c.ncs_url as destination_ncs_url,
        c.ncs_starter_salary as destination_ncs_starter_salary,
        c.learning_route,
        c.barriers,
        coalesce(c.short_entry, false) as destination_short_entry,
        coalesce(c.degree_only, false) as destination_degree_only,
        d.local_adverts_recent as destination_local_adverts_recent,
        d.local_adverts_live as destination_local_adverts_live,
        d.median_advertised_pay as destination_median_advertised_pay,
        j.n_jobs_thousands as destination_uk_jobs_thousands,
        -- plausibility of the move for the origin (a step that fails is never a step)
        case
            when d.soc2020 in ('1111', '1112') and o.soc2020_major <> '1' then 'top post from outside management'
            when d.soc2020_major = '1' and not {{ supervisory_origin('o') }}
                then 'management without a supervisory origin'
            when d.soc2020_major = '1' and {{ uk_similarity('s') }} < {{ var('escalator_uk_field_similarity') }}
                then 'management in another field'
            when d.soc2020 in ('1161', '3311') and o.soc2020_sub_major not in ('33', '11')
                then 'armed forces from outside protective services'
        end as implausible_because,
        (select full_coverage from feed) as feed_full_coverage,
        o.soc2020_sub_major = d.soc2020_sub_major as same_field
    from sim as s
    inner join occ as o on o.soc2020 = s.origin_soc2020
    inner join occ as d on d.soc2020 = s.destination_soc2020
    left join careers as c on c.soc2020 = s.destination_soc2020
    left join jobs as j on j.soc2020 = s.destination_soc2020
    left join gaps as g using (origin_soc2020, destination_soc2020)
),
typed as (
    select
        *,
        implausible_because is null
            and not destination_graduate_entry and not destination_degree_only
            and uplift_pct >= {{ var('escalator_get_up_min_uplift_pct') }}
            and uplift_pct <= {{ var('escalator_get_up_max_uplift_pct') }}
            -- the job-zone bound, O*NET's, gives way to NCS's UK route for a management rung
            and (job_zone_change <= {{ var('escalator_max_job_zone_step') }}
                 or (management_rung and destination_short_entry)) as is_get_up,
        implausible_because is null
            and not destination_graduate_entry and not destination_degree_only
            and destination_short_entry
            and coalesce(destination_job_zone, 0) <= {{ var('escalator_get_on_max_job_zone') }}
            and (destination_local_adverts_live > 0
                 or (not feed_full_coverage and coalesce(destination_uk_jobs_thousands, 0) >= 100)) as is_get_on
    from pairs
),
steps as (
    select * exclude (is_get_up, is_get_on, feed_full_coverage), 'get up' as step_type from typed where is_get_up
    union all
    select * exclude (is_get_up, is_get_on, feed_full_coverage), 'get on' from typed where is_get_on
    union all
    select * exclude (is_get_up, is_get_on, feed_full_coverage), cast(null as varchar) from typed
    where not is_get_up and not is_get_on
),
scored as (
    select
        *,
        case when destination_local_adverts_live > 0 then 'live local adverts'
             when step_type = 'get on' then 'large occupation (feeds cover part of the market)' end
            as demand_evidence,
        -- what an adviser weighs: similar work, read half from the UK descriptions (ONS text, NCS tasks),
        -- a move within the same field (SOC sub-major group), a modest first rise (get up: up to +25%
        -- counts) or a decent wage and live adverts (get on); "n.e.c." catch-all groups and pay borrowed
        -- from a wider group count for less
        round((0.5 * similarity + 0.5 * uk_similarity)
              * case when same_field then 1.15 else 1 end
              * case when destination_title like '%n.e.c%' then 0.85 else 1 end
              * case when step_type = 'get on'
                     then 1 + least(greatest(destination_pay - 20000, 0) / 20000, 0.5)
                          + 0.2 * ln(1 + destination_local_adverts_live)
                     else 1 + least(greatest(uplift_pct, 0), 25) / 100 end
              * case when destination_pay_measured then 1 else 0.8 end, 4) as step_score
    from steps
)
select
    *,
    case when step_type is not null then
        row_number() over (partition by origin_soc2020, step_type
                           order by destination_pay_measured desc, step_score desc, destination_soc2020)
    end as step_rank
from scored
