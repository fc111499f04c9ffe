with source as (
    select * from {{ source('scoring', 'monthly_rrs') }}
),

renamed as (
    select
        -- ids
        nominal_key,
        -- dates
        month_end,
        -- attributes
        matrix_version,
        -- measures
        conviction_weight,
        arrest_weight,
        rrs,
        conviction_weight_lfl,
        arrest_weight_lfl,
        rrs_lfl
    from source
)

select * from renamed
