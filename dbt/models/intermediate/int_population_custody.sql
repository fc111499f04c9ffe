-- Who of the whole population was in custody at each month end of M, at the month end
-- before M (a baseline of impact_evaluation) and at the as-of date:
-- the custody rule (macro current_custody: started on or before d, not released by d; of
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

-- of overlapping episodes the latest-starting one is current (macro current_custody)
final as (
    {{ current_custody('reference_dates', 'custody', [
        'custody_id', 'release_area', 'custody_start_date', 'earliest_release_date',
    ]) }}
)

select * from final
