-- Backtest of the release forecast over the windows already over at the as-of date: one
-- row per window (all schemes and areas) plus one overall row (window_label 'ALL').
with forecast as (
    select * from {{ ref('release_forecast') }}
),

population as (
    select * from {{ ref('int_release_forecast_population') }}
),

over_windows as (
    select
        window_start,
        window_end,
        window_label,
        due_releases,
        actual_releases
    from forecast
    where scheme = 'ALL' and release_area = 'ALL' and actual_releases is not null
),

early_releases as (
    select
        window_start,
        {{ count_distinct_where('nominal_key', 'is_released and is_early_release') }}
            as early_releases
    from population
    group by window_start
),

per_window as (
    select
        over_windows.window_start,
        over_windows.window_end,
        over_windows.window_label,
        1 as windows,
        over_windows.due_releases,
        over_windows.actual_releases,
        abs(over_windows.due_releases - over_windows.actual_releases) as absolute_error,
        coalesce(early_releases.early_releases, 0) as early_releases
    from over_windows
    left join early_releases on over_windows.window_start = early_releases.window_start
),

overall as (
    select
        cast(null as date) as window_start,
        cast(null as date) as window_end,
        'ALL' as window_label,
        count(*) as windows,
        -- a release can fall in up to three overlapping windows and is counted in each
        {{ dbt.cast('coalesce(sum(due_releases), 0)', dbt.type_bigint()) }} as due_releases,
        {{ dbt.cast('coalesce(sum(actual_releases), 0)', dbt.type_bigint()) }} as actual_releases,
        {{ dbt.cast('coalesce(sum(absolute_error), 0)', dbt.type_bigint()) }} as absolute_error,
        {{ dbt.cast('coalesce(sum(early_releases), 0)', dbt.type_bigint()) }} as early_releases
    from per_window
),

unioned as (
    select * from per_window
    union all
    select * from overall
),

final as (
    select
        window_start,
        window_end,
        window_label,
        windows,
        due_releases,
        actual_releases,
        absolute_error,
        -- numerator absolute_error, denominator windows
        absolute_error / nullif(windows, 0) as mean_absolute_error,
        early_releases,
        -- numerator early_releases, denominator actual_releases; 0-100 scale
        {{ percent('early_releases', 'actual_releases') }} as early_release_pct
    from unioned
)

select * from final
