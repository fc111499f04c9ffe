with source as (
    select * from {{ source('raw', 'arrests') }}
),

renamed as (
    select
        -- ids
        arrest_id,
        nominal_key,
        -- attributes
        offence_code,
        weapon_enabled = 'Y' as is_weapon_enabled,
        -- dates
        arrest_date
    from source
)

select * from renamed
