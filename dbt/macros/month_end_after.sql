{#- last_day(d + k months): month-end arithmetic, so 31 Jan + 1 month = 28/29 Feb and
    28 Feb + 1 month = 31 Mar (impact_evaluation's baselines and horizons). -#}
{% macro month_end_after(date_expression, months) -%}
    last_day(cast({{ date_expression }} + to_months(cast({{ months }} as integer)) as date))
{%- endmacro %}
