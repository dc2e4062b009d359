-- What the National Careers Service says about getting into each SOC 2020 unit group, from the profile
-- that best represents it (its title codes to the group, the largest share of its SOC 2010 split, the
-- title whose words the ONS group's title and related job titles use most, then the plainest title):
--   short_entry     a person out of work can start without a long course: a direct-application or
--                   work route, or an apprenticeship / college course at level 1-2
--   degree_only     the only routes NCS gives are university ones
--   learning_route  the small steps in: the lowest-level apprenticeship standard, the first college course,
--                   "apply directly", "work your way up", and any registration or licence
--   barriers        checks, licences, cards, age limits and registrations NCS names; shift patterns
--   starter / experienced salary (NCS, 2020 £ a year) beside ASHE
with profiles as (
    -- the representative: a profile whose own title codes to the unit group, from the largest share of
    -- its SOC 2010 split, whose title words the ONS unit-group title and related job titles use most
    select p.*, row_number() over (
        partition by p.soc2020
        order by p.soc2020_method like 'title coded%' desc, p.soc2010_share desc nulls last,
                 len(list_filter(string_split(lower(p.title), ' '),
                                 lambda w: strpos(lower(u.soc2020_title || ' ' || coalesce(u.related_job_titles, '')), w) > 0))
                 / len(string_split(p.title, ' ')) desc,
                 length(p.title), p.title) as rn
    from {{ ref('stg_ncs__profiles') }} as p
    inner join {{ ref('stg_soc__unit_groups') }} as u using (soc2020)
    where p.soc2020 is not null
),
best as (select * from profiles where rn = 1),
routes as (select * from {{ ref('stg_ncs__entry_routes') }}),
reqs as (select * from {{ ref('stg_ncs__requirements') }}),
standards as (
    -- "Adult care worker (level 2, ST0005) | Lead adult care worker (level 3, ST0006)" -> one row each
    select url_name, trim(s.standard) as standard,
           try_cast(regexp_extract(s.standard, 'level (\d)', 1) as integer) as level
    from best, unnest(string_split(apprenticeship_standards, ' | ')) as s(standard)
    where apprenticeship_standards is not null
),
highest_standard as (
    -- the top rung an apprenticeship reaches (level 6-7: a degree apprenticeship)
    select url_name, first(regexp_replace(standard, ', ST\d+\)', ')') order by level desc, standard) as standard,
           max(level) as level
    from standards group by url_name
),
lowest_standard as (
    select url_name, first(regexp_replace(standard, ', ST\d+\)', ')') order by level, standard) as standard, min(level) as level
    from standards group by url_name
),
route_summary as (
    select
        url_name,
        string_agg(route_type, ', ' order by route_type) as route_types,
        bool_or(route_type in ('direct', 'work')) as has_direct_or_work,
        bool_or(route_type = 'college' and regexp_matches(route_text, 'Level [12] ')) as has_short_college,
        bool_and(route_type in ('university', 'other', 'volunteering')) as degree_only,
        -- a way in that needs no prior degree: an apprenticeship (degree apprenticeships included), direct
        -- application, working your way up, or an Access to Higher Education course at college
        bool_or(route_type in ('apprenticeship', 'direct', 'work')
                or (route_type = 'college' and route_text ilike '%access to higher education%')) as no_degree_route,
        max(case when route_type = 'college' then nullif(regexp_extract(route_text, 'Courses include: ([^;.]+)', 1), '') end)
            as college_course,
        max(case when route_type = 'work' then regexp_extract(route_text, '^([^.]+)', 1) end) as work_route,
        -- how long the apprenticeship takes, where NCS says ("This will usually take 4 years to complete")
        max(case when route_type = 'apprenticeship' then nullif(regexp_extract(route_text,
            '(?:take|takes|lasting|lasts|last) (?:around |about |up to )?(\d+(?: to \d+)?) years?', 1), '') end)
            as apprenticeship_years,
        max(case when route_type = 'direct' then regexp_extract(route_text, '^([^.]+)', 1) end) as direct_route
    from routes group by url_name
),
barriers as (
    select
        url_name,
        string_agg(distinct coalesce(label, text), '; ' order by coalesce(label, text)) filter (where kind = 'restriction') as restrictions,
        string_agg(distinct coalesce(label, text), '; ' order by coalesce(label, text)) filter (where kind = 'registration') as registrations,
        bool_or(lower(coalesce(label, '') || ' ' || text) like '%driving licence%') as driving_licence
    from reqs group by url_name
)
select
    b.soc2020,
    b.title as ncs_title,
    b.url as ncs_url,
    b.salary_starter_gbp as ncs_starter_salary,
    b.salary_experienced_gbp as ncs_experienced_salary,
    r.route_types as ncs_entry_routes,
    coalesce(r.has_direct_or_work, false) or coalesce(s.level <= 2, false) or coalesce(r.has_short_college, false)
        as short_entry,
    coalesce(r.degree_only, false) as degree_only,
    coalesce(r.no_degree_route, false) as no_degree_route,
    case when hs.level >= 6 then hs.standard end as degree_apprenticeship,
    r.apprenticeship_years,
    concat_ws(' | ',
        case when s.standard is not null then 'Apprenticeship: ' || s.standard end,
        case when r.college_course is not null then 'College: ' || trim(r.college_course) end,
        case when r.direct_route is not null then 'Direct: ' || trim(r.direct_route) end,
        case when r.work_route is not null then 'Work your way up: ' || trim(r.work_route) end,
        case when br.registrations is not null then 'Registration: ' || br.registrations end
    ) as learning_route,
    s.level as apprenticeship_level,
    nullif(concat_ws('; ', br.restrictions,
                     case when br.driving_licence and coalesce(br.restrictions, '') not ilike '%driving%'
                          then 'driving licence (may be needed)' end,
                     case when b.working_pattern is not null then 'shifts: ' || b.working_pattern end), '') as barriers
from best as b
left join route_summary as r using (url_name)
left join lowest_standard as s using (url_name)
left join highest_standard as hs using (url_name)
left join barriers as br using (url_name)
