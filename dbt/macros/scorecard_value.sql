{#- The value of a scorecard row from its counts: the count itself for unit 'count', else
    the percentage 100 * numerator / denominator (empty without a denominator). -#}
{% macro count_or_pct(unit, numerator, denominator) -%}
    case
        when {{ unit }} = 'count' then {{ numerator }}
        when {{ denominator }} > 0 then 100.0 * {{ numerator }} / {{ denominator }}
    end
{%- endmacro %}
