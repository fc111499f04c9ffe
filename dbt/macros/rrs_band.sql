{#- Band of a Reoffending Risk Score: floor(s / 100); its label "{100k}-{100k+100}". -#}
{% macro rrs_band(score) -%}
    {{ dbt.cast('floor(' ~ score ~ ' / 100)', dbt.type_int()) }}
{%- endmacro %}

{% macro rrs_band_label(score) -%}
    case when {{ score }} is not null then
        {{ dbt.concat([
            dbt.cast(rrs_band(score) ~ ' * 100', dbt.type_string()),
            "'-'",
            dbt.cast(rrs_band(score) ~ ' * 100 + 100', dbt.type_string()),
        ]) }}
    end
{%- endmacro %}
