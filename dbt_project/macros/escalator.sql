{#- The escalator's shared conditions (fct_escalator_transitions): one place for each. -#}

{#- A supervisory or managerial origin: its title names the level (ONS titles do), or it is a manager. -#}
{% macro supervisory_origin(occ) -%}
({{ occ }}.soc2020_major = '1'
 or regexp_matches(lower({{ occ }}.soc2020_title), 'supervisor|senior|manager|foremen|leader|officers in'))
{%- endmacro %}

{#- Same line of work, read from the UK descriptions alone (ONS text and NCS tasks). -#}
{% macro uk_similarity(sim) -%}
(({{ sim }}.text_similarity + coalesce({{ sim }}.ncs_similarity, {{ sim }}.text_similarity)) / 2)
{%- endmacro %}

{#- A rung into management: from a supervisory origin into major group 1 in the same line of work. -#}
{% macro management_rung(sim, origin, destination) -%}
({{ destination }}.soc2020_major = '1' and {{ supervisory_origin(origin) }}
 and {{ uk_similarity(sim) }} >= {{ var('escalator_uk_field_similarity') }})
{%- endmacro %}
