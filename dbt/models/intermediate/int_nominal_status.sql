-- Where every nominal on IOM stood at each reference date: the month ends (cohort_monthly)
-- and the month starts (release windows). Both marts read the custody and watchlist rules
-- from here so they are defined once.
with months as (
    select * from {{ ref('int_months') }}
),

spells as (
    select * from {{ ref('int_spells') }}
),

custody as (
    select * from {{ ref('int_custody_episodes') }}
),

reference_dates as (
    select month_end as status_date
    from months
    where is_month_complete
    union
    select month_start as status_date from months
),

-- open at d: entered on or before d and not exited by d (an exit on d has ended the spell;
-- a spell may start on the day the previous one ended, so at most one is open).
ranked_open_spells as (
    select
        reference_dates.status_date,
        spells.nominal_key,
        spells.spell_id,
        spells.scheme,
        row_number() over (
            partition by reference_dates.status_date, spells.nominal_key
            order by spells.entry_date desc, spells.spell_id asc
        ) as spell_rank
    from reference_dates
    inner join spells
        on {{ is_open_at('spells', 'reference_dates.status_date') }}
),

open_spells as (
    select
        status_date,
        nominal_key,
        spell_id,
        scheme
    from ranked_open_spells
    where spell_rank = 1
),

-- in custody at d: the custody rule of the whole population (macro current_custody)
custody_at_date as (
    {{ current_custody('reference_dates', 'custody', [
        'custody_id', 'sentence_days', 'is_over_four_years', 'release_area',
        'earliest_release_date', 'actual_release_date',
    ]) }}
),

joined as (
    select
        -- ids
        open_spells.status_date,
        open_spells.nominal_key,
        open_spells.spell_id,
        custody_at_date.custody_id,
        -- attributes
        open_spells.scheme,
        custody_at_date.custody_id is not null as is_in_custody,
        custody_at_date.release_area,
        custody_at_date.sentence_days,
        -- more than 4 years and the earliest release more than 6 calendar months away
        coalesce(
            custody_at_date.is_over_four_years
            and custody_at_date.earliest_release_date
            > cast({{ dbt.dateadd('month', 6, 'open_spells.status_date') }} as date),
            false
        ) as is_watchlist,
        -- dates
        custody_at_date.earliest_release_date,
        custody_at_date.actual_release_date
    from open_spells
    left join custody_at_date
        on open_spells.status_date = custody_at_date.status_date
        and open_spells.nominal_key = custody_at_date.nominal_key
),

final as (
    select
        *,
        not is_watchlist as is_live
    from joined
)

select * from final
