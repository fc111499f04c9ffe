{#- The small-numbers rule for anything published about victims: a count from 1 to
    threshold - 1 is too small to publish (a zero reveals no one). The threshold defaults to
    the var suppression_threshold (10), so one setting governs every published table. -#}
{% macro is_small_count(count_column, threshold=none) -%}
    ({{ count_column }} between 1 and {{ threshold if threshold is not none else var('suppression_threshold', 10) }} - 1)
{%- endmacro %}
