-- Figure B's live cohort by month: one row per month end x scheme (GENERIC, DV, ALL) x area
-- (CITY, COUNTY_NORTH, COUNTY_SOUTH, ALL); the ALL x ALL rows are Figure B.
with months as (
    select * from {{ ref('int_months') }}
),

status as (
    select * from {{ ref('int_nominal_status') }}
),

spells as (
    select * from {{ ref('int_spells') }}
),

area_codes as (
    select * from {{ ref('areas') }}
),

schemes as (
    select scheme
    from {{ inline_values('scheme_names', ['scheme'], [['GENERIC'], ['DV'], ['ALL']]) }}
),

areas as (
    select area_code as area from area_codes
    union all
    select 'ALL' as area
),

month_ends as (
    select month_end from months
    where is_month_complete
),

-- a nominal's area is that of their open spell
status_at_month_end as (
    select
        status.*,
        spells.area
    from status
    inner join month_ends on status.status_date = month_ends.month_end
    inner join spells on status.spell_id = spells.spell_id
),

-- ALL counts distinct nominals over both schemes (and over the areas), not a sum of rows:
-- each status row stands once per roll-up it belongs to (a portable grouping sets)
status_by_rollup as (
    {%- set rollups = [
        ('scheme', 'area'), ('scheme', "'ALL'"), ("'ALL'", 'area'), ("'ALL'", "'ALL'")
    ] %}
    {%- for scheme, area in rollups %}
    select
        status_date,
        nominal_key,
        is_live,
        is_in_custody,
        is_watchlist,
        release_area,
        {{ scheme }} as scheme,
        {{ area }} as area
    from status_at_month_end
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

counts as (
    select
        status_date as month_end,
        scheme,
        area,
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
    from status_by_rollup
    group by status_date, scheme, area
),

final as (
    select
        month_ends.month_end,
        schemes.scheme,
        areas.area,
        coalesce(counts.live_cohort, 0) as live_cohort,
        coalesce(counts.in_custody, 0) as in_custody,
        coalesce(counts.in_custody_release_city, 0) as in_custody_release_city,
        coalesce(counts.in_custody_release_county_north, 0) as in_custody_release_county_north,
        coalesce(counts.in_custody_release_county_south, 0) as in_custody_release_county_south,
        coalesce(counts.watchlist, 0) as watchlist,
        coalesce(counts.live_plus_watchlist, 0) as live_plus_watchlist
    from month_ends
    cross join schemes
    cross join areas
    left join counts
        on month_ends.month_end = counts.month_end
        and schemes.scheme = counts.scheme
        and areas.area = counts.area
)

select * from final
