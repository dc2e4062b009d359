{#- The escalator's shared conditions (fct_escalator_transitions): one place for each. -#}

{#- Same line of work, read from the UK descriptions alone (ONS text and NCS tasks). -#}
{% macro uk_similarity(sim) -%}
(({{ sim }}.text_similarity + coalesce({{ sim }}.ncs_similarity, {{ sim }}.text_similarity)) / 2)
{%- endmacro %}
