{#- The value of a scorecard row from its counts: the count itself for unit 'count', else
    the percentage 100 * numerator / denominator (empty without a denominator). -#}
{% macro count_or_pct(unit, numerator, denominator) -%}
    case
        when {{ unit }} = 'count' then {{ numerator }}
        when {{ denominator }} > 0 then 100.0 * cast({{ numerator }} as {{ type_double() }}) / {{ denominator }}
    end
{%- endmacro %}

{#- The eight columns of a scorecard row, typed as the scorecard mart's contract has them;
    every int_scorecard_* model ends with one select of these. -#}
{% macro scorecard_row(
    section,
    metric="metric",
    breakdown="'all'",
    value="value",
    value_label="null",
    numerator="numerator",
    denominator="denominator",
    unit="unit"
) -%}
        {{ section }} as section,
        {{ metric }} as metric,
        {{ breakdown }} as breakdown,
        {{ dbt.cast(value, type_double()) }} as value,
        {{ dbt.cast(value_label, dbt.type_string()) }} as value_label,
        {{ dbt.cast(numerator, type_double()) }} as numerator,
        {{ dbt.cast(denominator, type_double()) }} as denominator,
        {{ unit }} as unit
{%- endmacro %}
