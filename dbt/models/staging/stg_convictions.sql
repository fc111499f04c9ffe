with source as (
    select * from {{ source('raw', 'convictions') }}
),

renamed as (
    select
        -- ids
        conviction_id,
        nominal_key,
        -- attributes
        offence_code,
        weapon_enabled = 'Y' as is_weapon_enabled,
        -- dates
        offence_date,
        conviction_date
    from source
)

select * from renamed
