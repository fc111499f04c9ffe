with source as (
    select * from {{ source('raw', 'idva_cases') }}
),

renamed as (
    select
        -- ids
        case_key,
        nominal_key,
        -- attributes
        felt_safer,
        -- dates
        referral_date,
        closure_date
    from source
)

select * from renamed
