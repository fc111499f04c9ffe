{#- None of the given columns holds a null: one scan for all of a model's required columns
    (a single-column not_null test each costs a dbt node apiece). A failure lists each column
    with nulls and how many rows. -#}
{% test not_null_columns(model, columns) %}
with null_counts as (
    select
        {%- for column in columns %}
        count(*) filter (where {{ column }} is null) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
)

select column_name, null_rows
from (unpivot null_counts on columns(*) into name column_name value null_rows)
where null_rows > 0
{% endtest %}
