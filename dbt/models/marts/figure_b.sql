-- Figure B (the live cohort) as printed: one row per measure, a column per month, the last
-- month end on or before the as-of date last. The rows, their order and labels come from the
-- seed figure_b_measures (presentation/figure_b.py lays out `iom live-cohort` and the report
-- from the same seed); the months are the month_<k> columns of this model's contract.
{%- set month_columns = [] %}
{%- for name in model.columns if modules.re.fullmatch('month_[0-9]+', name) %}
{%- do month_columns.append(name) %}
{%- endfor %}
{#- cohort_monthly's counts (its bigint contract columns), one of which each measure names -#}
{%- set count_columns = [] %}
{%- if execute %}
{%- set cohort_node = graph.nodes.values() | selectattr('name', 'equalto', 'cohort_monthly')
    | first %}
{%- for name, column in cohort_node.columns.items() if column.data_type == 'bigint' %}
{%- do count_columns.append(name) %}
{%- endfor %}
{%- endif %}
with measures as (
    select * from {{ ref('figure_b_measures') }}
),

areas as (
    select * from {{ ref('areas') }}
),

cohort as (
    select * from {{ ref('cohort_monthly') }}
),

forecast as (
    select * from {{ ref('release_forecast') }}
),

-- the printed months, numbered 1 (the earliest shown) to the number of month columns
ranked_months as (
    select
        month_end,
        row_number() over (order by month_end desc) as months_back
    from (select distinct month_end from cohort) as month_ends
),

printed_months as (
    select
        month_end,
        {{ month_columns | length }} + 1 - months_back as month_number
    from ranked_months
    where months_back <= {{ month_columns | length }}
),

cohort_cells as (
    select
        measures.display_order,
        printed_months.month_number,
        case measures.measure_column
            {%- for name in count_columns %}
            when '{{ name }}' then cohort.{{ name }}
            {%- endfor %}
        end as measure_value
    from measures
    inner join cohort
        on measures.scheme = cohort.scheme
        and cohort.area = 'ALL'
    inner join printed_months
        on cohort.month_end = printed_months.month_end
    where measures.mart = 'cohort_monthly'
),

-- releases due in the 3-month window starting on the first day of each printed month
forecast_cells as (
    select
        measures.display_order,
        printed_months.month_number,
        forecast.due_releases as measure_value
    from measures
    inner join forecast
        on measures.scheme = forecast.scheme
        and measures.area = forecast.release_area
    inner join printed_months
        on forecast.window_start
        = cast({{ dbt.date_trunc('month', 'printed_months.month_end') }} as date)
    where measures.mart = 'release_forecast'
),

cells as (
    select * from cohort_cells
    union all
    select * from forecast_cells
),

labelled_measures as (
    select
        measures.display_order,
        measures.indent,
        replace(measures.label, '{area}', coalesce(areas.area_name, '')) as measure,
        measures.mart,
        measures.measure_column,
        measures.scheme,
        measures.area
    from measures
    left join areas
        on measures.named_area = areas.area_code
),

printed_range as (
    select
        min(month_end) as first_month_end,
        max(month_end) as last_month_end
    from printed_months
),

-- one row per measure that has cells, a column per printed month
measure_months as (
    select
        {%- for name in month_columns %}
        {{ dbt.cast(
            'max(case when month_number = ' ~ name.split('_')[1] ~ ' then measure_value end)',
            'bigint',
        ) }} as {{ name }},
        {%- endfor %}
        display_order
    from cells
    group by display_order
),

final as (
    select
        labelled_measures.display_order,
        labelled_measures.measure,
        labelled_measures.indent,
        labelled_measures.mart,
        labelled_measures.measure_column,
        labelled_measures.scheme,
        labelled_measures.area,
        {%- for name in month_columns %}
        measure_months.{{ name }},
        {%- endfor %}
        printed_range.first_month_end,
        printed_range.last_month_end,
        {{ as_of_date() }} as as_of
    from labelled_measures
    cross join printed_range
    left join measure_months
        on labelled_measures.display_order = measure_months.display_order
)

select * from final
