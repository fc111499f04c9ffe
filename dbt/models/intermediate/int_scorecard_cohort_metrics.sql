-- Scorecard rows of the Mid section, one set per cohort (year of entry): the cohort's size,
-- its mean entry and mid-point scores and the variance between them.
-- Means carry the number of spells they average over in `denominator`.
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

cohorts as (
    select
        {{ dbt.cast('cohort_year', dbt.type_string()) }} as breakdown,
        count(*) as spells,
        count(entry_score) as scored_spells,
        avg(entry_score) as mean_entry,
        avg(mid_score) as mean_mid
    from spell_scores
    group by cohort_year
),

metric_rows as (
    select
        breakdown,
        'cohort_size' as metric,
        spells as value,
        spells as numerator,
        null as denominator,
        'count' as unit
    from cohorts
    union all
    select
        breakdown,
        'cohort_mean_mid_score' as metric,
        mean_mid as value,
        null as numerator,
        scored_spells as denominator,
        'score' as unit
    from cohorts
    union all
    select
        breakdown,
        'cohort_mean_entry_score' as metric,
        mean_entry as value,
        null as numerator,
        scored_spells as denominator,
        'score' as unit
    from cohorts
    union all
    select
        breakdown,
        'cohort_mid_variance' as metric,
        mean_mid - mean_entry as value,
        null as numerator,
        scored_spells as denominator,
        'score' as unit
    from cohorts
    union all
    select
        breakdown,
        'cohort_mid_variance_pct' as metric,
        100.0 * (mean_mid - mean_entry) / nullif(mean_entry, 0) as value,
        mean_mid - mean_entry as numerator,
        mean_entry as denominator,
        'pct' as unit
    from cohorts
),

final as (
    select
        {{ scorecard_row("'Mid'", breakdown='breakdown') }}
    from metric_rows
)

select * from final
