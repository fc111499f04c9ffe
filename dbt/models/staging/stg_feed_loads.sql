with source as (
    select * from {{ source('raw', 'feed_loads') }}
),

renamed as (
    select
        -- ids
        run_id,
        feed,
        file,
        -- counts
        rows_in,
        rows_loaded,
        rows_quarantined,
        -- dates
        extract_date,
        loaded_at
    from source
)

select * from renamed
