-- Who of the whole population was in custody at each month end of M and at the as-of date:
-- the custody rule of cohort_monthly (started on or before d, not released by d; of
-- overlapping episodes the latest-starting one is current) for every person, nominal or not.
with months as (
    select * from {{ ref('int_months') }}
),

custody as (
    select * from {{ ref('int_custody_episodes') }}
),

reference_dates as (
    select month_end as status_date from months where is_month_complete
    union
    select {{ as_of_date() }} as status_date
),

final as (
    select
        -- ids
        reference_dates.status_date,
        custody.nominal_key,
        custody.custody_id,
        -- attributes
        custody.release_area,
        -- dates
        custody.custody_start_date,
        custody.earliest_release_date
    from reference_dates
    inner join custody
        on custody.custody_start_date <= reference_dates.status_date
        and (
            custody.actual_release_date is null
            or custody.actual_release_date > reference_dates.status_date
        )
    qualify row_number() over (
        partition by reference_dates.status_date, custody.nominal_key
        order by custody.custody_start_date desc, custody.custody_id desc
    ) = 1
)

select * from final
