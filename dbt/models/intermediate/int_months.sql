-- Calendar months from the month of the first IOM entry up to the as-of month: the month
-- ends of cohort_monthly and the rolling 3-month windows of release_forecast.
with spells as (
    select * from {{ ref('int_spells') }}
),

first_entry_month as (
    select {{ dbt.date_trunc('month', 'min(entry_date)') }} as first_month
    from spells
),

month_starts as (
    {{ month_starts('first_entry_month', 'first_month', as_of_date()) }}
),

with_window_ends as (
    select
        month_start,
        {{ dbt.last_day('month_start', 'month') }} as month_end,
        cast({{ dbt.dateadd('month', 2, 'month_start') }} as date) as window_last_month_start
    from month_starts
),

final as (
    select
        -- dates
        month_start,
        month_end,
        -- the release window starting this month ends on the last day of its third month
        {{ dbt.last_day('window_last_month_start', 'month') }} as window_end,
        -- attributes
        {{ dbt.concat([
            month_abbreviation('month_start'),
            "'-'",
            month_abbreviation('window_last_month_start'),
            "' '",
            dbt.cast('extract(year from month_start)', dbt.type_string()),
        ]) }} as window_label,
        month_end <= {{ as_of_date() }} as is_month_complete,
        {{ dbt.last_day('window_last_month_start', 'month') }} <= {{ as_of_date() }}
            as is_window_over
    from with_window_ends
)

select * from final
