-- IDVA cases closed on or before the as-of date. A case still open then (no closure date, or
-- a closure after the as-of date) has no outcome yet and is left out.
with cases as (
    select * from {{ ref('stg_idva_cases') }}
),

closed_cases as (
    select
        -- ids
        case_key,
        nominal_key,
        -- attributes
        felt_safer,
        -- dates
        referral_date,
        closure_date
    from cases
    where closure_date <= {{ as_of_date() }}
)

select * from closed_cases
