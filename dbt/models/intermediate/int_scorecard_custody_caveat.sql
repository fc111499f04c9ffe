-- The custody caveat of the Significance section: the share of exited spells spent mostly
-- in custody, where a falling score says little about behaviour (no arrests in custody).
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

exited as (
    select * from spell_scores
    where not is_open
),

counts as (
    select
        count(*) as exited_spells,
        {{ count_where(
            '2 * days_at_liberty < ' ~ dbt.datediff('entry_date', 'exit_date', 'day')
        ) }} as exited_mostly_in_custody
    from exited
),

final as (
    select
        'Significance' as section,
        'exited_mostly_in_custody' as metric,
        'all' as breakdown,
        {{ dbt.cast(
            count_or_pct("'pct'", 'exited_mostly_in_custody', 'exited_spells'), type_double()
        ) }} as value,
        {{ dbt.cast('null', dbt.type_string()) }} as value_label,
        {{ dbt.cast('exited_mostly_in_custody', type_double()) }} as numerator,
        {{ dbt.cast('exited_spells', type_double()) }} as denominator,
        'pct' as unit
    from counts
)

select * from final
