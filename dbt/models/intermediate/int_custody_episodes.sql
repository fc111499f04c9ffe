-- Custody episodes as they stood on the as-of date: a release after it has not yet happened.
with episodes as (
    select * from {{ ref('stg_custody_episodes') }}
),

as_of_episodes as (
    select
        -- ids
        custody_id,
        nominal_key,
        -- attributes
        sentence_days,
        sentence_days > 1461 as is_over_four_years,
        release_area,
        case when actual_release_date <= {{ as_of_date() }} then release_type end as release_type,
        -- dates
        custody_start_date,
        earliest_release_date,
        case
            when actual_release_date <= {{ as_of_date() }} then actual_release_date
        end as actual_release_date
    from episodes
    where custody_start_date <= {{ as_of_date() }}
)

select * from as_of_episodes
