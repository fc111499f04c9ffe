-- Who of the whole population was in custody at each month end of M, at the month end
-- before M (a baseline of impact_evaluation) and at the as-of date:
-- the custody rule of cohort_monthly (started on or before d, not released by d; of
-- overlapping episodes the latest-starting one is current) for every person, nominal or not.
with months as (
    select * from {{ ref('int_months') }}
),

custody as (
    select * from {{ ref('int_custody_episodes') }}
),

first_month as (
    select min(month_start) as month_start from months
),

reference_dates as (
    select month_end as status_date from months
    where is_month_complete
    union
    -- the baseline month end of a spell entering in M's first month (impact_evaluation)
    select cast({{ dbt.dateadd('day', -1, 'month_start') }} as date) as status_date
    from first_month
    union
    select {{ as_of_date() }} as status_date
),

custody_at_dates as (
    select
        -- ids
        reference_dates.status_date,
        custody.nominal_key,
        custody.custody_id,
        -- attributes
        custody.release_area,
        -- dates
        custody.custody_start_date,
        custody.earliest_release_date,
        -- of overlapping episodes the latest-starting one is current
        row_number() over (
            partition by reference_dates.status_date, custody.nominal_key
            order by custody.custody_start_date desc, custody.custody_id desc
        ) as recency_rank
    from reference_dates
    inner join custody
        on reference_dates.status_date >= custody.custody_start_date
        and (
            custody.actual_release_date is null
            or reference_dates.status_date < custody.actual_release_date
        )
),

final as (
    select
        status_date,
        nominal_key,
        custody_id,
        release_area,
        custody_start_date,
        earliest_release_date
    from custody_at_dates
    where recency_rank = 1
)

select * from final
