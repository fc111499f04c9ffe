-- Scorecard rows of the Reduction section: the mean change and monthly rate of change of
-- exited spells against their own entry score, and the whole cohort's change from entry to
-- latest score. Means carry the number of spells they average over in `denominator`.
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

all_spells as (
    select
        avg(entry_score) as mean_entry,
        avg(latest_score) as mean_latest
    from spell_scores
),

exited_spells as (
    select
        count(*) as spells,
        avg(reduction) as mean_reduction,
        avg(reduction_rate) as mean_reduction_rate,
        count(reduction_rate) as rated_spells
    from spell_scores
    where not is_open
),

metric_rows as (
    select
        'mean_reduction' as metric,
        mean_reduction as value,
        null as numerator,
        spells as denominator,
        'score' as unit
    from exited_spells
    union all
    select
        'mean_reduction_rate' as metric,
        mean_reduction_rate as value,
        null as numerator,
        rated_spells as denominator,
        'ratio' as unit
    from exited_spells
    union all
    select
        'cohort_reduction_pct' as metric,
        100.0 * (mean_latest - mean_entry) / nullif(mean_entry, 0) as value,
        mean_latest - mean_entry as numerator,
        mean_entry as denominator,
        'pct' as unit
    from all_spells
),

final as (
    select
        {{ scorecard_row("'Reduction'") }}
    from metric_rows
)

select * from final
