{#- None of the given columns holds a null: one scan for all of a model's required columns
    (a single-column not_null test each costs a dbt node apiece). A failure lists each column
    with nulls and how many rows. Portable SQL (count_where, a union for the unpivot). -#}
{% test not_null_columns(model, columns) %}
with null_counts as (
    select
        {%- for column in columns %}
        {{ iom_warehouse.count_where(column ~ ' is null') }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

unpivoted as (
    {%- for column in columns %}
    select '{{ column }}' as column_name, {{ column }} as null_rows from null_counts
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select column_name, null_rows
from unpivoted
where null_rows > 0
{% endtest %}
