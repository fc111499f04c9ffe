-- Did IOM work? The fall in managed people's scores beside what the comparison (people of the
-- same score band, year and custody status, not on IOM) predicts, and proven reoffending
-- against the same comparison. Long format like the scorecard: one row per section x metric x
-- breakdown.
{# One row per metric: (metric, value, numerator, denominator, unit), by section; a count's
   share is percent() (a double on every engine). #}
{%- set section_rows = {
    'impact': [
        ('treated_spells', 'treated_spells', 'treated_spells', 'null', 'count'),
        ('matched_spells', 'matched_spells', 'matched_spells', 'null', 'count'),
        (
            'unmatched_spells',
            'treated_spells - matched_spells',
            'treated_spells - matched_spells',
            'null',
            'count',
        ),
        ('mean_baseline_score', 'mean_baseline_score', 'null', 'matched_spells', 'score'),
        ('mean_observed_change', 'mean_observed_change', 'null', 'matched_spells', 'score'),
        ('mean_expected_change', 'mean_expected_change', 'null', 'matched_spells', 'score'),
        ('mean_effect', 'mean_effect', 'null', 'matched_spells', 'score'),
        (
            'naive_change_pct',
            '100.0 * mean_observed_change / nullif(mean_baseline_score, 0)',
            'mean_observed_change',
            'mean_baseline_score',
            'pct',
        ),
        (
            'effect_pct',
            '100.0 * mean_effect / nullif(mean_baseline_score, 0)',
            'mean_effect',
            'mean_baseline_score',
            'pct',
        ),
        (
            'rtm_share_pct',
            '100.0 * mean_expected_change / nullif(mean_observed_change, 0)',
            'mean_expected_change',
            'mean_observed_change',
            'pct',
        ),
        (
            'comparison_person_months',
            'comparison_person_months',
            'comparison_person_months',
            'null',
            'count',
        ),
        ('effect_ci_low', 'effect_ci_low', 'null', 'matched_spells', 'score'),
        ('effect_ci_high', 'effect_ci_high', 'null', 'matched_spells', 'score'),
    ],
    'reoffending': [
        (
            'reoffending_treated_spells',
            'reoffending_treated_spells',
            'reoffending_treated_spells',
            'null',
            'count',
        ),
        (
            'reoffending_matched_spells',
            'reoffending_matched_spells',
            'reoffending_matched_spells',
            'null',
            'count',
        ),
        (
            'reoffending_rate_treated',
            percent('reoffenders', 'reoffending_matched_spells'),
            'reoffenders',
            'reoffending_matched_spells',
            'pct',
        ),
        (
            'reoffending_rate_expected',
            percent('expected_reoffenders', 'reoffending_matched_spells'),
            'expected_reoffenders',
            'reoffending_matched_spells',
            'pct',
        ),
        (
            'reoffending_frequency_treated',
            percent('reoffences', 'reoffending_matched_spells'),
            'reoffences',
            'reoffending_matched_spells',
            'per_100',
        ),
        (
            'reoffending_frequency_expected',
            percent('expected_reoffences', 'reoffending_matched_spells'),
            'expected_reoffences',
            'reoffending_matched_spells',
            'per_100',
        ),
    ],
} %}

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

-- Rounded to 10 decimals: DuckDB sums doubles in parallel in no fixed order, so the last
-- bits of a mean differ from run to run; a republished figure must be the same figure.
final as (
    {%- for section, rows in section_rows.items() %}
    {%- set outer_loop = loop %}
    {%- for metric, value, numerator, denominator, unit in rows %}
    select
        '{{ section }}' as section,
        '{{ metric }}' as metric,
        breakdown,
        round(cast({{ value }} as double), 10) as value,
        round(cast({{ numerator }} as double), 10) as numerator,
        round(cast({{ denominator }} as double), 10) as denominator,
        '{{ unit }}' as unit,
        {{ as_of_date() }} as as_of
    from evaluated
    {%- if not (outer_loop.last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
)

select * from final
