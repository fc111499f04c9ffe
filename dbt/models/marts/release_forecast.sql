-- Releases due (and, for windows already over, actually made) in each rolling 3-month
-- window: one row per window x scheme x release_area, with ALL roll-ups of both.
with months as (
    select * from {{ ref('int_months') }}
),

population as (
    select * from {{ ref('int_release_forecast_population') }}
),

areas as (
    select * from {{ ref('areas') }}
),

schemes as (
    select scheme
    from {{ inline_values('scheme_names', ['scheme'], [['GENERIC'], ['DV'], ['ALL']]) }}
),

release_areas as (
    select area_code as release_area from areas
    union all
    select 'ALL' as release_area
),

windows as (
    select
        month_start as window_start,
        window_end,
        window_label,
        is_window_over
    from months
),

-- one aggregation per grouping (scheme x area, scheme, area, all), a portable grouping sets;
-- ALL counts distinct nominals, not a sum of the rows it rolls up
counts as (
    select
        window_start,
        scheme,
        release_area,
        {{ count_distinct_where('nominal_key', 'is_due') }} as due_releases,
        {{ count_distinct_where('nominal_key', 'is_released') }} as actual_releases
    from population
    group by window_start, scheme, release_area
    union all
    select
        window_start,
        scheme,
        'ALL' as release_area,
        {{ count_distinct_where('nominal_key', 'is_due') }} as due_releases,
        {{ count_distinct_where('nominal_key', 'is_released') }} as actual_releases
    from population
    group by window_start, scheme
    union all
    select
        window_start,
        'ALL' as scheme,
        release_area,
        {{ count_distinct_where('nominal_key', 'is_due') }} as due_releases,
        {{ count_distinct_where('nominal_key', 'is_released') }} as actual_releases
    from population
    group by window_start, release_area
    union all
    select
        window_start,
        'ALL' as scheme,
        'ALL' as release_area,
        {{ count_distinct_where('nominal_key', 'is_due') }} as due_releases,
        {{ count_distinct_where('nominal_key', 'is_released') }} as actual_releases
    from population
    group by window_start
),

final as (
    select
        windows.window_start,
        windows.window_end,
        windows.window_label,
        schemes.scheme,
        release_areas.release_area,
        coalesce(counts.due_releases, 0) as due_releases,
        -- the backtest exists only once the window is over at the as-of date
        case when windows.is_window_over then coalesce(counts.actual_releases, 0) end
            as actual_releases
    from windows
    cross join schemes
    cross join release_areas
    left join counts
        on windows.window_start = counts.window_start
        and schemes.scheme = counts.scheme
        and release_areas.release_area = counts.release_area
)

select * from final
