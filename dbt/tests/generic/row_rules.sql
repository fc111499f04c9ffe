{#- A model's row rules in one dbt node: none of `columns` holds a null; no two rows share a
    value of any of `keys` (each a list of columns: one column, or a composite key); each column
    of `accepted_values` holds only its listed values; each column of `references` holds only
    values found in `field` of the relation `to`. A dbt node costs about 30 ms of dbt's
    bookkeeping whatever the rows, so one test per model instead of a not_null, unique,
    accepted_values and relationships test each (docs/decisions/quality.md).

    A failure row names each broken rule, its columns and how many it fails: rows with a null,
    values of a key held by more than one row, rows with a value outside the accepted ones, rows
    whose value the other relation lacks. As in dbt's own tests, a null is only the not-null
    rule's business: it breaks no key, no accepted values and no reference. Portable SQL
    (count_where, left join, union all). -#}
{% test row_rules(model, columns=[], keys=[], accepted_values={}, references={}) %}
{%- set counted = [] -%}
{%- set checks = [] -%}
{%- for column in columns -%}
    {%- do counted.append(iom_warehouse.count_where(column ~ ' is null') ~ ' as ' ~ column ~ '__nulls') -%}
    {%- do checks.append(
        "select 'not null' as rule, '" ~ column ~ "' as checked_columns, "
        ~ column ~ "__nulls as failing from row_counts"
    ) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}
        {%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do counted.append(
        iom_warehouse.count_where(column ~ ' is not null and ' ~ column ~ ' not in (' ~ (listed | join(', ')) ~ ')')
        ~ ' as ' ~ column ~ '__outside'
    ) -%}
    {%- do checks.append(
        "select 'accepted values' as rule, '" ~ column ~ "' as checked_columns, "
        ~ column ~ "__outside as failing from row_counts"
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
{%- endfor -%}
{%- for column, reference in references.items() -%}
    {%- do checks.append(
        "select 'references' as rule, '" ~ column ~ "' as checked_columns, count(*) as failing"
        ~ " from " ~ model ~ " as child left join (select distinct " ~ reference.field
        ~ " as referenced from " ~ reference.to ~ ") as parent"
        ~ " on child." ~ column ~ " = parent.referenced"
        ~ " where child." ~ column ~ " is not null and parent.referenced is null"
    ) -%}
{%- endfor %}
with row_counts as (
    select
        {%- for expression in counted %}
        {{ expression }}{{ "," if not loop.last }}
        {%- else %}
        0 as nothing_counted
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
