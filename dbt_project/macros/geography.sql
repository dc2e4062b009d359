{#- Codes from the one geography seed (seeds/geographies.csv), so no model hard-codes a GSS code. -#}
{% macro geography_code(level) -%}
(select geography_code from {{ ref('geographies') }} where geography_level = '{{ level }}')
{%- endmacro %}

{% macro emcca_code() -%}{{ geography_code('combined authority') }}{%- endmacro %}
{% macro region_code() -%}{{ geography_code('region') }}{%- endmacro %}
{% macro england_code() -%}{{ geography_code('country') }}{%- endmacro %}
