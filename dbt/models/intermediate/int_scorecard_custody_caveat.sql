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
        {{ scorecard_row(
            "'Significance'",
            metric="'exited_mostly_in_custody'",
            value=count_or_pct("'pct'", 'exited_mostly_in_custody', 'exited_spells'),
            numerator='exited_mostly_in_custody',
            denominator='exited_spells',
            unit="'pct'",
        ) }}
    from counts
)

select * from final
