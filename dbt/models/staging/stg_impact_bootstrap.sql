with source as (
    select * from {{ source('scoring', 'impact_bootstrap') }}
),

renamed as (
    select
        -- ids
        breakdown,
        -- measures
        matched_spells,
        resamples,
        effect_ci_low,
        effect_ci_high
    from source
)

select * from renamed
