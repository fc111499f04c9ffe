-- Scorecard rows of the Entry and Exit sections' mean scores: the mean entry score over all
-- spells, the mean exit score over exited spells, and the exit variance between the two.
-- exit_variance compares the exit mean of the exited spells with the entry mean of ALL
-- spells, as the published Figure A does (metrics.md); the same-spells change is
-- mean_reduction. Means carry the number of spells they average over in `denominator`.
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

all_spells as (
    select
        count(entry_score) as scored_spells,
        avg(entry_score) as mean_entry
    from spell_scores
),

exited_spells as (
    select
        count(*) as spells,
        avg(exit_score) as mean_exit
    from spell_scores
    where not is_open
),

exit_variance as (
    select
        exited_spells.spells,
        exited_spells.mean_exit - all_spells.mean_entry as variance,
        all_spells.mean_entry
    from exited_spells
    cross join all_spells
),

metric_rows as (
    select
        'Entry' as section,
        'mean_entry_score' as metric,
        mean_entry as value,
        null as numerator,
        scored_spells as denominator,
        'score' as unit
    from all_spells
    union all
    select
        'Exit' as section,
        'mean_exit_score' as metric,
        mean_exit as value,
        null as numerator,
        spells as denominator,
        'score' as unit
    from exited_spells
    union all
    select
        'Exit' as section,
        'exit_variance' as metric,
        variance as value,
        null as numerator,
        spells as denominator,
        'score' as unit
    from exit_variance
    union all
    select
        'Exit' as section,
        'exit_variance_pct' as metric,
        100.0 * variance / nullif(mean_entry, 0) as value,
        variance as numerator,
        mean_entry as denominator,
        'pct' as unit
    from exit_variance
),

final as (
    select
        {{ scorecard_row('section') }}
    from metric_rows
)

select * from final
