{#- Engine-specific SQL, each construct behind one macro dispatched per adapter
    (adapter.dispatch(name, 'iom_warehouse')): default__ is the portable ANSI form, duckdb__
    keeps the form DuckDB runs today (the published marts are identical), spark__ is written
    where the default would not run on Spark SQL. docs/decisions/dbt.md lists them. -#}

{#- A double-precision float. dbt.type_float() is a 4-byte REAL on DuckDB, so not that. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'iom_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return('double precision') }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    {{ return('double') }}
{%- endmacro %}

{% macro spark__type_double() -%}
    {{ return('double') }}
{%- endmacro %}


{#- A date written as 'YYYY-MM-DD'. -#}
{% macro date_literal(iso_date) -%}
    {{ return(adapter.dispatch('date_literal', 'iom_warehouse')(iso_date)) }}
{%- endmacro %}

{% macro default__date_literal(iso_date) -%}
    cast('{{ iso_date }}' as date)
{%- endmacro %}


{#- The number of rows meeting a condition, as an aggregate (a window may follow). -#}
{% macro count_where(condition) -%}
    {{ return(adapter.dispatch('count_where', 'iom_warehouse')(condition)) }}
{%- endmacro %}

{% macro default__count_where(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}

{% macro duckdb__count_where(condition) -%}
    count(*) filter (where {{ condition }})
{%- endmacro %}


{#- The number of distinct values of an expression over the rows meeting a condition. -#}
{% macro count_distinct_where(expression, condition) -%}
    {{ return(adapter.dispatch('count_distinct_where', 'iom_warehouse')(expression, condition)) }}
{%- endmacro %}

{% macro default__count_distinct_where(expression, condition) -%}
    count(distinct case when {{ condition }} then {{ expression }} end)
{%- endmacro %}

{% macro duckdb__count_distinct_where(expression, condition) -%}
    count(distinct {{ expression }}) filter (where {{ condition }})
{%- endmacro %}


{#- A relation of literal rows: alias, its column names and rows of values (strings are
    quoted here), for use after `from` or `join`. -#}
{% macro inline_values(alias, columns, rows) -%}
    {{ return(adapter.dispatch('inline_values', 'iom_warehouse')(alias, columns, rows)) }}
{%- endmacro %}

{% macro _value_rows(rows) -%}
    {%- for row in rows -%}
        ({% for value in row %}{% if value is string %}'{{ value }}'{% else %}{{ value }}{% endif %}{{ ', ' if not loop.last }}{% endfor %}){{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{% macro default__inline_values(alias, columns, rows) -%}
    (values {{ iom_warehouse._value_rows(rows) }}) as {{ alias }} ({{ columns | join(', ') }})
{%- endmacro %}

{#- Spark SQL's inline table takes no parentheses around values. -#}
{% macro spark__inline_values(alias, columns, rows) -%}
    values {{ iom_warehouse._value_rows(rows) }} as {{ alias }} ({{ columns | join(', ') }})
{%- endmacro %}


{#- One row per first day of a month, from the month of start_date (a first of month) up to
    end_date, as the column month_start; relation supplies start_date and end_date. -#}
{% macro month_starts(relation, start_date, end_date) -%}
    {{ return(adapter.dispatch('month_starts', 'iom_warehouse')(relation, start_date, end_date)) }}
{%- endmacro %}

{#- Offsets 0-999 from a cross join of digits: up to 83 years of months. -#}
{% macro default__month_starts(relation, start_date, end_date) -%}
    {%- set month_start = dbt.dateadd('month', 'month_offsets.month_offset', start_date) -%}
    select cast({{ month_start }} as date) as month_start
    from {{ relation }}
    cross join (
        select units.digit + 10 * tens.digit + 100 * hundreds.digit as month_offset
        from {{ iom_warehouse.inline_values('units', ['digit'], [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]) }}
        cross join {{ iom_warehouse.inline_values('tens', ['digit'], [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]) }}
        cross join {{ iom_warehouse.inline_values('hundreds', ['digit'], [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]) }}
    ) as month_offsets
    where {{ month_start }} <= {{ end_date }}
{%- endmacro %}

{% macro duckdb__month_starts(relation, start_date, end_date) -%}
    select
        cast(unnest(generate_series({{ start_date }}, {{ end_date }}, interval 1 month)) as date)
            as month_start
    from {{ relation }}
{%- endmacro %}

{#- Spark's date_trunc returns a timestamp: the bounds are cast so the months are dates. -#}
{% macro spark__month_starts(relation, start_date, end_date) -%}
    select
        explode(sequence(
            cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 month
        )) as month_start
    from {{ relation }}
{%- endmacro %}


{#- Upper-case English abbreviation of a date's month: JAN ... DEC. -#}
{% macro month_abbreviation(date) -%}
    {{ return(adapter.dispatch('month_abbreviation', 'iom_warehouse')(date)) }}
{%- endmacro %}

{% macro default__month_abbreviation(date) -%}
    case extract(month from {{ date }})
        {%- for name in ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] %}
        when {{ loop.index }} then '{{ name }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro duckdb__month_abbreviation(date) -%}
    upper(strftime({{ date }}, '%b'))
{%- endmacro %}

{% macro spark__month_abbreviation(date) -%}
    upper(date_format({{ date }}, 'MMM'))
{%- endmacro %}


{#- 100 * numerator / denominator as a double, empty for a zero denominator. The numerator is
    a double first: Spark makes 100.0 * an integer a DECIMAL, DuckDB a double (the same). -#}
{% macro percent(numerator, denominator) -%}
    100.0 * cast({{ numerator }} as {{ iom_warehouse.type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}
