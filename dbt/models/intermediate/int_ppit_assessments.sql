-- PPIT assessments known on the as-of date: an assessment after it has not happened yet.
with assessments as (
    select * from {{ ref('stg_ppit_assessments') }}
),

as_of_assessments as (
    select
        -- ids
        assessment_id,
        nominal_key,
        -- measures
        ppit_score,
        -- dates
        assessment_date
    from assessments
    where assessment_date <= {{ as_of_date() }}
)

select * from as_of_assessments
