{#- The as-of date of every figure: only events on or before it count. -#}
{% macro as_of_date() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}
