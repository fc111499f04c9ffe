-- Every (nominal, date) the marts need a Reoffending Risk Score for: the entry, mid, exit
-- and latest date of every spell, and the as-of date of every nominal. The Python asset
-- scoring/rrs_scores scores exactly these points.
with spell_scoring_dates as (
    select * from {{ ref('int_spell_scoring_dates') }}
),

spell_points as (
    select
        nominal_key,
        entry_date as scoring_date
    from spell_scoring_dates
    union
    select
        nominal_key,
        mid_date
    from spell_scoring_dates
    union
    select
        nominal_key,
        exit_date
    from spell_scoring_dates
    where exit_date is not null
    union
    select
        nominal_key,
        latest_date
    from spell_scoring_dates
),

as_of_points as (
    select distinct
        nominal_key,
        {{ as_of_date() }} as scoring_date
    from spell_scoring_dates
),

final as (
    select
        nominal_key,
        scoring_date
    from spell_points
    union
    select
        nominal_key,
        scoring_date
    from as_of_points
)

select * from final
