-- Calendar months from the month of the first IOM entry up to the as-of month: the month
-- ends of cohort_monthly and the rolling 3-month windows of release_forecast.
with spells as (
    select * from {{ ref('int_spells') }}
),

first_entry_month as (
    select date_trunc('month', min(entry_date)) as first_month
    from spells
),

month_starts as (
    select
        cast(unnest(generate_series(first_month, {{ as_of_date() }}, interval 1 month)) as date)
            as month_start
    from first_entry_month
),

final as (
    select
        -- dates
        month_start,
        last_day(month_start) as month_end,
        -- the release window starting this month ends on the last day of its third month
        last_day(cast(month_start + interval 2 month as date)) as window_end,
        -- attributes
        upper(strftime(month_start, '%b')) || '-'
        || upper(strftime(cast(month_start + interval 2 month as date), '%b')) || ' '
        || strftime(month_start, '%Y') as window_label,
        last_day(month_start) <= {{ as_of_date() }} as is_month_complete,
        last_day(cast(month_start + interval 2 month as date)) <= {{ as_of_date() }}
            as is_window_over
    from month_starts
)

select * from final
