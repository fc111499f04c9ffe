with source as (
    select * from {{ source('raw', 'idva_outcomes') }}
),

renamed as (
    select
        -- ids
        case_key,
        -- attributes
        abuse_type,
        outcome
    from source
)

select * from renamed
