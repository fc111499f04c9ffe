-- The dates each spell is scored on: entry, mid-point, exit and latest (exit, or the as-of
-- date while open). mid_date is defined here once; int_scoring_points and the marts read it.
{%- set half_spell_days = 'floor(' ~ dbt.datediff('entry_date', 'end_date', 'day') ~ ' / 2)' %}

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
        cast({{ dbt.dateadd('day', half_spell_days, 'entry_date') }} as date) as mid_date,
        exit_date,
        end_date as latest_date
    from spells
)

select * from scoring_dates
