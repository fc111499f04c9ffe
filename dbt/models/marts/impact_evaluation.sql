-- Did IOM work? The fall in managed people's scores beside what the comparison (people of the
-- same score band, year and custody status, not on IOM) predicts, and proven reoffending
-- against the same comparison. Long format like the scorecard: one row per section x metric x
-- breakdown.
with spells as (
    select * from {{ ref('int_impact_spells') }}
),

strata as (
    select * from {{ ref('int_impact_comparison_strata') }}
),

bootstrap as (
    select * from {{ ref('stg_impact_bootstrap') }}
),

breakdowns as (
    select breakdown from (values ('all'), ('GENERIC'), ('DV')) as listed (breakdown)
),

spells_by_breakdown as (
    select 'all' as breakdown, * from spells
    union all
    select scheme as breakdown, * from spells
),

figures as (
    select
        breakdowns.breakdown,
        count(spells.spell_id) as treated_spells,
        count(spells.spell_id) filter (where spells.is_matched) as matched_spells,
        avg(spells.baseline_score) filter (where spells.is_matched) as mean_baseline_score,
        avg(spells.observed_change) filter (where spells.is_matched) as mean_observed_change,
        avg(spells.expected_change) filter (where spells.is_matched) as mean_expected_change,
        avg(spells.effect) filter (where spells.is_matched) as mean_effect,
        count(spells.spell_id) filter (where spells.has_reoffending_horizon)
            as reoffending_treated_spells,
        count(spells.spell_id) filter (where spells.is_reoffending_matched)
            as reoffending_matched_spells,
        count(spells.spell_id) filter (where spells.is_reoffending_matched and spells.reoffences > 0)
            as reoffenders,
        coalesce(sum(spells.expected_reoffending_rate)
            filter (where spells.is_reoffending_matched), 0) as expected_reoffenders,
        coalesce(sum(spells.reoffences) filter (where spells.is_reoffending_matched), 0)
            as reoffences,
        coalesce(sum(spells.expected_reoffences) filter (where spells.is_reoffending_matched), 0)
            as expected_reoffences
    from breakdowns
    left join spells_by_breakdown as spells on breakdowns.breakdown = spells.breakdown
    group by breakdowns.breakdown
),

-- every comparison person-month lies in one stratum, so summing over the distinct strata of
-- the matched spells counts distinct person-months
matched_strata as (
    select distinct breakdown, score_band, baseline_year, in_custody
    from spells_by_breakdown
    where is_matched
),

comparisons as (
    select
        breakdowns.breakdown,
        coalesce(sum(strata.comparison_person_months), 0) as comparison_person_months
    from breakdowns
    left join matched_strata on breakdowns.breakdown = matched_strata.breakdown
    left join strata
        on matched_strata.score_band = strata.score_band
        and matched_strata.baseline_year = strata.baseline_year
        and matched_strata.in_custody = strata.in_custody
    group by breakdowns.breakdown
),

evaluated as (
    select
        figures.*,
        comparisons.comparison_person_months,
        bootstrap.effect_ci_low,
        bootstrap.effect_ci_high
    from figures
    inner join comparisons on figures.breakdown = comparisons.breakdown
    left join bootstrap on figures.breakdown = bootstrap.breakdown
),

impact_rows as (
    select 'treated_spells' as metric, breakdown, treated_spells as value,
        treated_spells as numerator, null as denominator, 'count' as unit
    from evaluated
    union all
    select 'matched_spells', breakdown, matched_spells, matched_spells, null, 'count'
    from evaluated
    union all
    select 'unmatched_spells', breakdown, treated_spells - matched_spells,
        treated_spells - matched_spells, null, 'count'
    from evaluated
    union all
    select 'mean_baseline_score', breakdown, mean_baseline_score, null, matched_spells, 'score'
    from evaluated
    union all
    select 'mean_observed_change', breakdown, mean_observed_change, null, matched_spells,
        'score'
    from evaluated
    union all
    select 'mean_expected_change', breakdown, mean_expected_change, null, matched_spells,
        'score'
    from evaluated
    union all
    select 'mean_effect', breakdown, mean_effect, null, matched_spells, 'score'
    from evaluated
    union all
    select 'naive_change_pct', breakdown,
        100.0 * mean_observed_change / nullif(mean_baseline_score, 0),
        mean_observed_change, mean_baseline_score, 'pct'
    from evaluated
    union all
    select 'effect_pct', breakdown, 100.0 * mean_effect / nullif(mean_baseline_score, 0),
        mean_effect, mean_baseline_score, 'pct'
    from evaluated
    union all
    select 'rtm_share_pct', breakdown,
        100.0 * mean_expected_change / nullif(mean_observed_change, 0),
        mean_expected_change, mean_observed_change, 'pct'
    from evaluated
    union all
    select 'comparison_person_months', breakdown, comparison_person_months,
        comparison_person_months, null, 'count'
    from evaluated
    union all
    select 'effect_ci_low', breakdown, effect_ci_low, null, matched_spells, 'score'
    from evaluated
    union all
    select 'effect_ci_high', breakdown, effect_ci_high, null, matched_spells, 'score'
    from evaluated
),

reoffending_rows as (
    select 'reoffending_treated_spells' as metric, breakdown,
        reoffending_treated_spells as value, reoffending_treated_spells as numerator,
        null as denominator, 'count' as unit
    from evaluated
    union all
    select 'reoffending_matched_spells', breakdown, reoffending_matched_spells,
        reoffending_matched_spells, null, 'count'
    from evaluated
    union all
    select 'reoffending_rate_treated', breakdown,
        100.0 * reoffenders / nullif(reoffending_matched_spells, 0),
        reoffenders, reoffending_matched_spells, 'pct'
    from evaluated
    union all
    select 'reoffending_rate_expected', breakdown,
        100.0 * expected_reoffenders / nullif(reoffending_matched_spells, 0),
        expected_reoffenders, reoffending_matched_spells, 'pct'
    from evaluated
    union all
    select 'reoffending_frequency_treated', breakdown,
        100.0 * reoffences / nullif(reoffending_matched_spells, 0),
        reoffences, reoffending_matched_spells, 'per_100'
    from evaluated
    union all
    select 'reoffending_frequency_expected', breakdown,
        100.0 * expected_reoffences / nullif(reoffending_matched_spells, 0),
        expected_reoffences, reoffending_matched_spells, 'per_100'
    from evaluated
),

final as (
    select
        'impact' as section,
        metric,
        breakdown,
        cast(value as double) as value,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        unit,
        {{ as_of_date() }} as as_of
    from impact_rows
    union all
    select
        'reoffending',
        metric,
        breakdown,
        cast(value as double),
        cast(numerator as double),
        cast(denominator as double),
        unit,
        {{ as_of_date() }}
    from reoffending_rows
)

select * from final
