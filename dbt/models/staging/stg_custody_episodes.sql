with source as (
    select * from {{ source('raw', 'custody_episodes') }}
),

renamed as (
    select
        -- ids
        custody_id,
        nominal_key,
        -- attributes
        sentence_days,
        release_area,
        release_type,
        -- dates
        custody_start_date,
        earliest_release_date,
        actual_release_date
    from source
)

select * from renamed
