{#- "Open at d", defined once: the spell entered on or before d and had not exited by d
    (int_spells already treats an exit after the as-of date as not yet happened). A join
    predicate over the relation `spells` and the date expression `on_date`. -#}
{% macro is_open_at(spells, on_date) -%}
    {{ on_date }} >= {{ spells }}.entry_date
    and ({{ spells }}.exit_date is null or {{ on_date }} < {{ spells }}.exit_date)
{%- endmacro %}
