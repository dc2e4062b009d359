{{ config(materialized="table") }}
-- Similarity of every ordered pair of SOC 2020 unit groups (412 x 411), up to four facets weighted equally
-- (after Nesta's Mapping Career Causeways, which averages four):
--   skills_similarity     cosine of the O*NET skill-importance profiles (z-scored per skill), floored at 0
--   knowledge_similarity  the same for the O*NET knowledge areas
--   text_similarity       cosine of the ONS description + tasks text embeddings (UK-native signal)
--   ncs_similarity        cosine of TF-IDF vectors of the National Careers Service descriptions, day-to-day
--                         tasks and working environments (UK-native; 357 unit groups have a profile),
--                         scaled by var escalator_ncs_similarity_scale so its spread matches the others'
--                         (capped at 1; the published column is the scaled value)
-- similarity = the mean of the facets present, 0-1. O*NET rates no occupation linked to three unit groups
-- (1112 elected officers, 1161 armed forces officers, 9222 street cleaners): their pairs use text alone,
-- and n_facets says so.
with p as (select soc2020, domain, element_id, importance_z from {{ ref('int_soc_skill_profiles') }}
           where importance_z is not null),
norms as (select soc2020, domain, sqrt(sum(importance_z * importance_z)) as norm from p group by all),
dots as (
    select a.soc2020 as origin_soc2020, b.soc2020 as destination_soc2020, a.domain,
           sum(a.importance_z * b.importance_z) as dot
    from p as a
    inner join p as b on a.domain = b.domain and a.element_id = b.element_id and a.soc2020 <> b.soc2020
    group by all
),
facets as (
    select
        d.origin_soc2020,
        d.destination_soc2020,
        -- 6 decimals before the mean: parallel float sums differ in the last bits from run to run
        round(greatest(max(d.dot / nullif(na.norm * nb.norm, 0)) filter (where d.domain = 'skill'), 0), 6)
            as skills_similarity,
        round(greatest(max(d.dot / nullif(na.norm * nb.norm, 0)) filter (where d.domain = 'knowledge'), 0), 6)
            as knowledge_similarity
    from dots as d
    inner join norms as na on na.soc2020 = d.origin_soc2020 and na.domain = d.domain
    inner join norms as nb on nb.soc2020 = d.destination_soc2020 and nb.domain = d.domain
    group by all
)
select
    t.origin_soc2020,
    t.destination_soc2020,
    round(f.skills_similarity, 4) as skills_similarity,
    round(f.knowledge_similarity, 4) as knowledge_similarity,
    round(t.text_similarity, 4) as text_similarity,
    round(n.ncs_similarity * {{ var('escalator_ncs_similarity_scale') }}, 4) as ncs_similarity,  -- n is capped below
    t.text_engine,
    1 + (f.skills_similarity is not null)::int + (f.knowledge_similarity is not null)::int
      + (n.ncs_similarity is not null)::int as n_facets,
    round((coalesce(f.skills_similarity, 0) + coalesce(f.knowledge_similarity, 0) + t.text_similarity
           + coalesce(n.ncs_similarity * {{ var('escalator_ncs_similarity_scale') }}, 0))  -- least() ignores nulls
          / (1 + (f.skills_similarity is not null)::int + (f.knowledge_similarity is not null)::int
               + (n.ncs_similarity is not null)::int), 4)
        as similarity
from {{ ref('stg_escalator__text_similarity') }} as t
left join facets as f using (origin_soc2020, destination_soc2020)
left join (select origin_soc2020, destination_soc2020, least(ncs_similarity * {{ var('escalator_ncs_similarity_scale') }}, 1)
               / {{ var('escalator_ncs_similarity_scale') }} as ncs_similarity
           from {{ ref('stg_escalator__ncs_similarity') }}) as n using (origin_soc2020, destination_soc2020)
