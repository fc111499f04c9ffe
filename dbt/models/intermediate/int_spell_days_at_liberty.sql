-- Days of each spell not spent in custody: days in [entry_date, end_date) minus the days of
-- custody periods overlapping that interval (arrests cannot happen in custody, so a falling
-- score while locked up is not a change of behaviour).
with spells as (
    select * from {{ ref('int_spells') }}
),

custody_periods as (
    select * from {{ ref('int_custody_periods') }}
),

custody_overlaps as (
    select
        spells.spell_id,
        sum({{ dbt.datediff(
            'greatest(spells.entry_date, custody_periods.start_date)',
            'least(spells.end_date, coalesce(custody_periods.end_date, spells.end_date))',
            'day',
        ) }}) as days_in_custody
    from spells
    inner join custody_periods
        on spells.nominal_key = custody_periods.nominal_key
        and spells.end_date > custody_periods.start_date
        and (custody_periods.end_date is null or spells.entry_date < custody_periods.end_date)
    group by spells.spell_id
),

final as (
    select
        spells.spell_id,
        {{ dbt.datediff('spells.entry_date', 'spells.end_date', 'day') | trim }}
            as days_on_iom,
        coalesce(custody_overlaps.days_in_custody, 0) as days_in_custody,
        {{ dbt.datediff('spells.entry_date', 'spells.end_date', 'day') }}
        - coalesce(custody_overlaps.days_in_custody, 0) as days_at_liberty
    from spells
    left join custody_overlaps on spells.spell_id = custody_overlaps.spell_id
)

select * from final
