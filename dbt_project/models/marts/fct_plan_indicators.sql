-- The Plan's indicator tracker: one row per indicator x geography x period, rated.
--
-- RAG rule (evaluated per row, in this order; README "How the tracker rates an indicator"; the branches
-- are pinned by the unit tests in _marts.yml):
--   'no source connected'  no connected source has ever delivered a value (the Plan's baseline is shown)
--   'no data'              a source is connected but this row's value is suppressed or missing
--   'not rated'            no baseline or no better direction (supporting series)
--   'before baseline'      the row is dated before the indicator's baseline period: history, not progress
--                          (rag_reason: "no progress data yet: latest data 2023, baseline 2025")
--   'not rated'            partial coverage, not comparable with the Plan's baseline, a lower bound, or
--                          (lowest LA) not significantly below the EMCCA rate; the note starts with which
--   green                  target met (EMCCA); or moved the better way with the baseline outside the 95% CI
--   amber                  the baseline lies inside the row's 95% CI (a change inside the CI is not a
--                          change); without a CI, a change under 1% of the baseline
--   red                    moved the worse way beyond the CI (or the 1% band)
-- change_since_baseline is left empty wherever it would not mean progress: before the baseline, or when
-- the row's measure differs from the baseline's (not comparable, partial coverage, lower bound).
with r as (select * from {{ ref('int_plan_indicator_rows') }}),

flags as (
    select
        *,
        coalesce(note like 'partial coverage%' or note like 'not comparable%' or note like 'lower bound%', false)
            as different_measure,
        coalesce(note like 'not significant%', false) as not_significant
    from r
),

rated as (
    select
        *,
        case
            when not source_connected then 'no source connected'
            when value is null then 'no data'
            when baseline_value is null or better_direction = 'none' then 'not rated'
            when before_baseline then 'before baseline'
            when different_measure or not_significant then 'not rated'
            when target_value is not null and geography_code = {{ emcca_code() }}
                 and ((better_direction = 'higher' and value >= target_value)
                   or (better_direction = 'lower' and value <= target_value)) then 'green'
            when lci_95 is not null and uci_95 is not null and baseline_value between lci_95 and uci_95 then 'amber'
            when (lci_95 is null or uci_95 is null) and abs(value - baseline_value) < 0.01 * abs(baseline_value)
                then 'amber'
            when (better_direction = 'higher' and value > baseline_value)
              or (better_direction = 'lower' and value < baseline_value) then 'green'
            else 'red'
        end as rag_status
    from flags
)

select
    indicator_id, indicator_name, category, plan_row, geography_code, geography_name, geography_level,
    period_start, period_end, value, unit, lci_95, uci_95, numerator, denominator, reliability, provisional,
    source, source_dataset, source_release, baseline_value, baseline_period, baseline_check, target_value,
    target_year, better_direction,
    case when before_baseline or different_measure then null
         else round(value - baseline_value, 2) end as change_since_baseline,
    rag_status,
    case rag_status
        when 'no source connected' then 'no source connected yet' || case when baseline_value is not null
                                              then ': the Plan''s baseline is shown' else '' end
        when 'no data' then case when reliability = 'not delivered' then note
                                 else 'the source publishes no value for this row (suppressed or missing)' end
        when 'before baseline' then
            case when is_latest then 'no progress data yet: latest data ' || latest_data_year || ', baseline '
                                     || baseline_year
                 else 'history: dated before the ' || baseline_year || ' baseline' end
        when 'not rated' then
            case when baseline_value is null and better_direction <> 'none' then 'no baseline for this geography yet'
                 when better_direction = 'none' then 'supporting series: not rated on its own'
                 when not_significant then 'not significantly below the EMCCA rate'
                 else split_part(note, ':', 1) end
        when 'green' then
            case when target_value is not null and geography_code = {{ emcca_code() }}
                      and ((better_direction = 'higher' and value >= target_value)
                        or (better_direction = 'lower' and value <= target_value)) then 'target met'
                 when lci_95 is null then 'better than the baseline by 1% or more (no CI)'
                 else 'better than the baseline beyond the 95% CI' end
        when 'amber' then case when lci_95 is null then 'within 1% of the baseline (no CI)'
                               else 'baseline inside the 95% CI: no measurable change' end
        when 'red' then case when lci_95 is null then 'worse than the baseline by 1% or more (no CI)'
                             else 'worse than the baseline beyond the 95% CI' end
    end as rag_reason,
    coalesce(is_latest, true) as is_latest,
    note
from rated
