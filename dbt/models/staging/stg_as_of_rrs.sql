with source as (
    select * from {{ source('scoring', 'as_of_rrs') }}
),

renamed as (
    select
        -- ids
        nominal_key,
        -- dates
        scoring_date,
        -- attributes
        matrix_version,
        is_neighbourhood_crime,
        top_offence_group,
        -- measures
        conviction_weight,
        arrest_weight,
        rrs,
        rrs_without_uplift,
        conviction_weight_lfl,
        arrest_weight_lfl,
        rrs_lfl
    from source
)

select * from renamed
