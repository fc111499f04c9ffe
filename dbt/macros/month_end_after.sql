{#- last_day(d + k months): month-end arithmetic, so 31 Jan + 1 month = 28/29 Feb and
    28 Feb + 1 month = 31 Mar (impact_evaluation's baselines and horizons). -#}
{% macro month_end_after(date_expression, months) -%}
    {{ return(adapter.dispatch('month_end_after', 'iom_warehouse')(date_expression, months)) }}
{%- endmacro %}

{% macro default__month_end_after(date_expression, months) -%}
    last_day(cast({{ date_expression }} + to_months(cast({{ months }} as integer)) as date))
{%- endmacro %}

{#- add_months keeps the day when it can and clamps it to the month's last otherwise; the
    month end that follows is the same. -#}
{% macro spark__month_end_after(date_expression, months) -%}
    last_day(add_months(cast({{ date_expression }} as date), cast({{ months }} as integer)))
{%- endmacro %}
