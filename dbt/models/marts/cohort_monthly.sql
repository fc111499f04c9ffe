-- Figure B's live cohort by month: one row per month end x scheme (GENERIC, DV, ALL).
with months as (
    select * from {{ ref('int_months') }}
),

status as (
    select * from {{ ref('int_nominal_status') }}
),

schemes as (
    select scheme
    from {{ inline_values('scheme_names', ['scheme'], [['GENERIC'], ['DV'], ['ALL']]) }}
),

month_ends as (
    select month_end from months
    where is_month_complete
),

status_at_month_end as (
    select status.*
    from status
    inner join month_ends on status.status_date = month_ends.month_end
),

-- ALL counts distinct nominals over both schemes, not a sum of the scheme rows: one
-- aggregation per scheme and one over all (a portable grouping sets)
counts as (
    select
        status_date as month_end,
        scheme,
        {{ count_distinct_where('nominal_key', 'is_live') }} as live_cohort,
        {{ count_distinct_where('nominal_key', 'is_live and is_in_custody') }} as in_custody,
        {{ count_distinct_where(
            'nominal_key', "is_live and is_in_custody and release_area = 'CITY'"
        ) }} as in_custody_release_city,
        {{ count_distinct_where(
            'nominal_key', "is_live and is_in_custody and release_area = 'COUNTY_NORTH'"
        ) }} as in_custody_release_county_north,
        {{ count_distinct_where(
            'nominal_key', "is_live and is_in_custody and release_area = 'COUNTY_SOUTH'"
        ) }} as in_custody_release_county_south,
        {{ count_distinct_where('nominal_key', 'is_watchlist') }} as watchlist,
        count(distinct nominal_key) as live_plus_watchlist
    from status_at_month_end
    group by status_date, scheme
    union all
    select
        status_date as month_end,
        'ALL' as scheme,
        {{ count_distinct_where('nominal_key', 'is_live') }} as live_cohort,
        {{ count_distinct_where('nominal_key', 'is_live and is_in_custody') }} as in_custody,
        {{ count_distinct_where(
            'nominal_key', "is_live and is_in_custody and release_area = 'CITY'"
        ) }} as in_custody_release_city,
        {{ count_distinct_where(
            'nominal_key', "is_live and is_in_custody and release_area = 'COUNTY_NORTH'"
        ) }} as in_custody_release_county_north,
        {{ count_distinct_where(
            'nominal_key', "is_live and is_in_custody and release_area = 'COUNTY_SOUTH'"
        ) }} as in_custody_release_county_south,
        {{ count_distinct_where('nominal_key', 'is_watchlist') }} as watchlist,
        count(distinct nominal_key) as live_plus_watchlist
    from status_at_month_end
    group by status_date
),

final as (
    select
        month_ends.month_end,
        schemes.scheme,
        coalesce(counts.live_cohort, 0) as live_cohort,
        coalesce(counts.in_custody, 0) as in_custody,
        coalesce(counts.in_custody_release_city, 0) as in_custody_release_city,
        coalesce(counts.in_custody_release_county_north, 0) as in_custody_release_county_north,
        coalesce(counts.in_custody_release_county_south, 0) as in_custody_release_county_south,
        coalesce(counts.watchlist, 0) as watchlist,
        coalesce(counts.live_plus_watchlist, 0) as live_plus_watchlist
    from month_ends
    cross join schemes
    left join counts
        on month_ends.month_end = counts.month_end
        and schemes.scheme = counts.scheme
)

select * from final
