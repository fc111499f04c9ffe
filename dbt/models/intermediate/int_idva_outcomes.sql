-- Outcomes recorded at closure, for the IDVA cases closed on or before the as-of date only.
with outcomes as (
    select * from {{ ref('stg_idva_outcomes') }}
),

closed_cases as (
    select * from {{ ref('int_idva_cases') }}
),

closed_case_outcomes as (
    select
        -- ids
        outcomes.case_key,
        -- attributes
        outcomes.abuse_type,
        outcomes.outcome
    from outcomes
    inner join closed_cases
        on outcomes.case_key = closed_cases.case_key
)

select * from closed_case_outcomes
