with source as (
    select * from {{ source('scoring', 'rrs_scores') }}
),

renamed as (
    select
        -- ids
        nominal_key,
        -- attributes
        matrix_version,
        lfl_matrix_version,
        -- measures
        conviction_weight,
        arrest_weight,
        rrs,
        conviction_weight_lfl,
        arrest_weight_lfl,
        rrs_lfl,
        -- dates
        scoring_date
    from source
)

select * from renamed
