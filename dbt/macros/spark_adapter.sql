{#- Two of dbt-spark's own macros, overridden for this project (dbt looks in the root project
    first). Neither is used by the duckdb target. -#}

{#- Seeds: dbt-spark's session method pastes each value between quotes unescaped, so a label
    with an apostrophe breaks the insert and an empty cell loads as the text 'None'. Here every
    value is a literal of its own: null, a number, or a string with its quotes escaped. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ iom_warehouse.spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {{- ", " if not loop.last }}
                {%- endfor -%})
                {{- ", " if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{#- Contracts: the marts' column types are written as DuckDB names them (docs/decisions/dbt.md);
    Spark has no varchar without a length and no hugeint, so its contract check casts to the
    Spark type of the same values: varchar -> string, hugeint (DuckDB's sum of integers) ->
    bigint (Spark's), integer -> int. -#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set spark_types = {'varchar': 'string', 'hugeint': 'bigint', 'integer': 'int'} -%}
    select
    {% for i in columns -%}
        {%- set col = columns[i] -%}
        {%- set data_type = col['data_type'].strip().lower() -%}
        cast(null as {{ spark_types.get(data_type, data_type) }}) as {{ adapter.quote(col['name']) if col.get('quote') else col['name'] }}{{ ", " if not loop.last }}
    {% endfor %}
{% endmacro %}
