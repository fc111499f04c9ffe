-- The dates each spell is scored on: entry, mid-point, exit and latest (exit, or the as-of
-- date while open). mid_date is defined here once; int_scoring_points and the marts read it.
with spells as (
    select * from {{ ref('int_spells') }}
),

scoring_dates as (
    select
        -- ids
        spell_id,
        nominal_key,
        -- dates
        entry_date,
        cast(entry_date + cast(floor((end_date - entry_date) / 2) as integer) as date) as mid_date,
        exit_date,
        end_date as latest_date
    from spells
)

select * from scoring_dates
