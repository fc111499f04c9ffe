{#- A model's row rules in one scan and one dbt node: none of `columns` holds a null, and no
    two rows share a value of any of `keys` (each a list of columns: one column, or a composite
    key). A dbt node costs about 30 ms of dbt's bookkeeping whatever the rows, so one test per
    model instead of a not_null and a unique test each (docs/decisions/quality.md). A failure
    lists each broken rule: the column with nulls and how many rows, or the key and how many of
    its values are held by more than one row. As dbt's unique test does, a row with a null in
    the key is left to the not-null rule. Portable SQL (count_where, union all). -#}
{% test nulls_and_keys(model, columns, keys=[]) %}
{%- set checks = [] -%}
{%- for column in columns -%}
    {%- do checks.append(
        "select 'not null' as rule, '" ~ column ~ "' as checked_columns, "
        ~ column ~ " as failing from null_counts"
    ) -%}
{%- endfor -%}
{%- for key in keys -%}
    {%- set key_columns = key | join(', ') -%}
    {%- do checks.append(
        "select 'unique' as rule, '" ~ key_columns ~ "' as checked_columns, count(*) as failing"
        ~ " from (select " ~ key_columns ~ " from " ~ model
        ~ " where " ~ (key | join(' is not null and ')) ~ " is not null"
        ~ " group by " ~ key_columns ~ " having count(*) > 1) as duplicated"
    ) -%}
{%- endfor %}
with null_counts as (
    select
        {%- for column in columns %}
        {{ iom_warehouse.count_where(column ~ ' is null') }} as {{ column }}{{ "," if not loop.last }}
        {%- else %}
        0 as no_required_columns
        {%- endfor %}
    from {{ model }}
),

failures as (
    {{ checks | join('\n    union all\n    ') }}
)

select rule, checked_columns, failing
from failures
where failing > 0
{% endtest %}
