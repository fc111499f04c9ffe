-- Custody as continuous periods per nominal: overlapping or back-to-back episodes merged so
-- that a day in custody is counted once. A period with no release by the as-of date is open
-- (end_date empty). end_date is the release date, the first day at liberty again.
with episodes as (
    select * from {{ ref('int_custody_episodes') }}
),

bounded as (
    select
        nominal_key,
        custody_start_date as start_date,
        coalesce(actual_release_date, {{ date_literal('9999-12-31') }}) as end_date
    from episodes
),

flagged as (
    select
        *,
        -- a new period starts when no earlier episode of the nominal is still running
        case
            when start_date <= max(end_date)
                    over (
                        partition by nominal_key order by start_date, end_date
                        rows between unbounded preceding and 1 preceding
                    )
                then 0
            else 1
        end as starts_period
    from bounded
),

numbered as (
    select
        *,
        sum(starts_period) over (
            partition by nominal_key order by start_date, end_date
            rows between unbounded preceding and current row
        ) as period_number
    from flagged
),

final as (
    select
        nominal_key,
        period_number,
        min(start_date) as start_date,
        nullif(max(end_date), {{ date_literal('9999-12-31') }}) as end_date
    from numbered
    group by nominal_key, period_number
)

select * from final
