-- The custody caveat of the Significance section: the share of exited spells spent mostly
-- in custody, where a falling score says little about behaviour (no arrests in custody).
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

exited as (
    select * from spell_scores where not is_open
),

counts as (
    select
        count(*) as exited_spells,
        count(*) filter (where 2 * days_at_liberty < exit_date - entry_date)
            as exited_mostly_in_custody
    from exited
),

final as (
    select
        'Significance' as section,
        'exited_mostly_in_custody' as metric,
        'all' as breakdown,
        cast(
            case
                when exited_spells > 0 then 100.0 * exited_mostly_in_custody / exited_spells
            end as double
        ) as value,
        cast(null as varchar) as value_label,
        cast(exited_mostly_in_custody as double) as numerator,
        cast(exited_spells as double) as denominator,
        'pct' as unit
    from counts
)

select * from final
