{#- Band of a Reoffending Risk Score: floor(s / 100); its label "{100k}-{100k+100}". -#}
{% macro rrs_band(score) -%}
    cast(floor({{ score }} / 100) as integer)
{%- endmacro %}

{% macro rrs_band_label(score) -%}
    case when {{ score }} is not null then
        cast({{ rrs_band(score) }} * 100 as varchar) || '-'
        || cast({{ rrs_band(score) }} * 100 + 100 as varchar)
    end
{%- endmacro %}
