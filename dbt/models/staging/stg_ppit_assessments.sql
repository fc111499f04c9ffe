with source as (
    select * from {{ source('raw', 'ppit_assessments') }}
),

renamed as (
    select
        -- ids
        assessment_id,
        nominal_key,
        -- measures
        ppit_score,
        -- dates
        assessment_date
    from source
)

select * from renamed
