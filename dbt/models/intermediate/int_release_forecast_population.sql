-- The population of each 3-month release window: nominals with an open spell (live or
-- watchlist) in custody at the window start, with whether they were due and released in it.
with months as (
    select * from {{ ref('int_months') }}
),

status as (
    select * from {{ ref('int_nominal_status') }}
),

final as (
    select
        -- ids
        months.month_start as window_start,
        status.nominal_key,
        status.custody_id,
        -- attributes
        status.scheme,
        status.release_area,
        status.earliest_release_date between months.month_start and months.window_end
            as is_due,
        -- known only up to the as-of date (int_custody_episodes hides later releases)
        coalesce(
            status.actual_release_date between months.month_start and months.window_end, false
        ) as is_released,
        -- parole, HDC and other releases before the planned date: not forecastable
        coalesce(status.actual_release_date < status.earliest_release_date, false)
            as is_early_release,
        -- dates
        months.window_end,
        status.earliest_release_date,
        status.actual_release_date
    from months
    inner join status
        on months.month_start = status.status_date
        and status.is_in_custody
)

select * from final
