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
    select breakdown
    from {{ inline_values('listed', ['breakdown'], [['all'], ['GENERIC'], ['DV']]) }}
),

spells_by_breakdown as (
    select
        'all' as breakdown,
        *
    from spells
    union all
    select
        scheme as breakdown,
        *
    from spells
),

figures as (
    select
        breakdowns.breakdown,
        count(spells.spell_id) as treated_spells,
        count(case when spells.is_matched then spells.spell_id end) as matched_spells,
        avg(case when spells.is_matched then spells.baseline_score end) as mean_baseline_score,
        avg(case when spells.is_matched then spells.observed_change end) as mean_observed_change,
        avg(case when spells.is_matched then spells.expected_change end) as mean_expected_change,
        avg(case when spells.is_matched then spells.effect end) as mean_effect,
        count(case when spells.has_reoffending_horizon then spells.spell_id end)
            as reoffending_treated_spells,
        count(case when spells.is_reoffending_matched then spells.spell_id end)
            as reoffending_matched_spells,
        count(
            case
                when spells.is_reoffending_matched and spells.reoffences > 0 then spells.spell_id
            end
        )
            as reoffenders,
        coalesce(
            sum(case when spells.is_reoffending_matched then spells.expected_reoffending_rate end),
            0
        ) as expected_reoffenders,
        coalesce(sum(case when spells.is_reoffending_matched then spells.reoffences end), 0)
            as reoffences,
        coalesce(
            sum(case when spells.is_reoffending_matched then spells.expected_reoffences end), 0
        )
            as expected_reoffences
    from breakdowns
    left join spells_by_breakdown as spells on breakdowns.breakdown = spells.breakdown
    group by breakdowns.breakdown
),

-- every comparison person-month lies in one stratum, so summing over the distinct strata of
-- the matched spells counts distinct person-months
matched_strata as (
    select distinct
        breakdown,
        score_band,
        baseline_year,
        in_custody
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
    select
        'treated_spells' as metric,
        breakdown,
        treated_spells as value,
        treated_spells as numerator,
        null as denominator,
        'count' as unit
    from evaluated
    union all
    select
        'matched_spells' as metric,
        breakdown,
        matched_spells as value,
        matched_spells as numerator,
        null as denominator,
        'count' as unit
    from evaluated
    union all
    select
        'unmatched_spells' as metric,
        breakdown,
        treated_spells - matched_spells as value,
        treated_spells - matched_spells as numerator,
        null as denominator,
        'count' as unit
    from evaluated
    union all
    select
        'mean_baseline_score' as metric,
        breakdown,
        mean_baseline_score as value,
        null as numerator,
        matched_spells as denominator,
        'score' as unit
    from evaluated
    union all
    select
        'mean_observed_change' as metric,
        breakdown,
        mean_observed_change as value,
        null as numerator,
        matched_spells as denominator,
        'score' as unit
    from evaluated
    union all
    select
        'mean_expected_change' as metric,
        breakdown,
        mean_expected_change as value,
        null as numerator,
        matched_spells as denominator,
        'score' as unit
    from evaluated
    union all
    select
        'mean_effect' as metric,
        breakdown,
        mean_effect as value,
        null as numerator,
        matched_spells as denominator,
        'score' as unit
    from evaluated
    union all
    select
        'naive_change_pct' as metric,
        breakdown,
        100.0 * mean_observed_change / nullif(mean_baseline_score, 0) as value,
        mean_observed_change as numerator,
        mean_baseline_score as denominator,
        'pct' as unit
    from evaluated
    union all
    select
        'effect_pct' as metric,
        breakdown,
        100.0 * mean_effect / nullif(mean_baseline_score, 0) as value,
        mean_effect as numerator,
        mean_baseline_score as denominator,
        'pct' as unit
    from evaluated
    union all
    select
        'rtm_share_pct' as metric,
        breakdown,
        100.0 * mean_expected_change / nullif(mean_observed_change, 0) as value,
        mean_expected_change as numerator,
        mean_observed_change as denominator,
        'pct' as unit
    from evaluated
    union all
    select
        'comparison_person_months' as metric,
        breakdown,
        comparison_person_months as value,
        comparison_person_months as numerator,
        null as denominator,
        'count' as unit
    from evaluated
    union all
    select
        'effect_ci_low' as metric,
        breakdown,
        effect_ci_low as value,
        null as numerator,
        matched_spells as denominator,
        'score' as unit
    from evaluated
    union all
    select
        'effect_ci_high' as metric,
        breakdown,
        effect_ci_high as value,
        null as numerator,
        matched_spells as denominator,
        'score' as unit
    from evaluated
),

reoffending_rows as (
    select
        'reoffending_treated_spells' as metric,
        breakdown,
        reoffending_treated_spells as value,
        reoffending_treated_spells as numerator,
        null as denominator,
        'count' as unit
    from evaluated
    union all
    select
        'reoffending_matched_spells' as metric,
        breakdown,
        reoffending_matched_spells as value,
        reoffending_matched_spells as numerator,
        null as denominator,
        'count' as unit
    from evaluated
    union all
    select
        'reoffending_rate_treated' as metric,
        breakdown,
        {{ percent('reoffenders', 'reoffending_matched_spells') }} as value,
        reoffenders as numerator,
        reoffending_matched_spells as denominator,
        'pct' as unit
    from evaluated
    union all
    select
        'reoffending_rate_expected' as metric,
        breakdown,
        {{ percent('expected_reoffenders', 'reoffending_matched_spells') }} as value,
        expected_reoffenders as numerator,
        reoffending_matched_spells as denominator,
        'pct' as unit
    from evaluated
    union all
    select
        'reoffending_frequency_treated' as metric,
        breakdown,
        {{ percent('reoffences', 'reoffending_matched_spells') }} as value,
        reoffences as numerator,
        reoffending_matched_spells as denominator,
        'per_100' as unit
    from evaluated
    union all
    select
        'reoffending_frequency_expected' as metric,
        breakdown,
        {{ percent('expected_reoffences', 'reoffending_matched_spells') }} as value,
        expected_reoffences as numerator,
        reoffending_matched_spells as denominator,
        'per_100' as unit
    from evaluated
),

-- Rounded to 10 decimals: DuckDB sums doubles in parallel in no fixed order, so the last
-- bits of a mean differ from run to run; a republished figure must be the same figure.
final as (
    {%- for section in ['impact', 'reoffending'] %}
    select
        '{{ section }}' as section,
        metric,
        breakdown,
        round(cast(value as double), 10) as value,
        round(cast(numerator as double), 10) as numerator,
        round(cast(denominator as double), 10) as denominator,
        unit,
        {{ as_of_date() }} as as_of
    from {{ section }}_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
