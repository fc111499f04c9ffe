with source as (
    select * from {{ source('raw', 'iom_register') }}
),

renamed as (
    select
        -- ids
        spell_id,
        nominal_key,
        -- attributes
        scheme,
        area,
        exit_reason,
        -- dates
        entry_date,
        exit_date
    from source
)

select * from renamed
