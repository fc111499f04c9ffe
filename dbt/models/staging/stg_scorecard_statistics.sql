with source as (
    select * from {{ source('scoring', 'scorecard_statistics') }}
),

renamed as (
    select
        -- ids
        section,
        metric,
        breakdown,
        -- measures
        value,
        value_label,
        numerator,
        denominator,
        unit
    from source
)

select * from renamed
