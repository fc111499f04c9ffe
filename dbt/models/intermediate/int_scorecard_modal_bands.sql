-- Scorecard rows of the modal score bands: the most frequent band of the entry score (all
-- spells, section Entry), of the mid-point score per cohort (Mid) and of the exit score
-- (exited spells, Exit); ties go to the lowest band. numerator is the number of spells in
-- the modal band, denominator the number of spells with a score.
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

band_observations as (
    select
        'Entry' as section,
        'mode_entry_band' as metric,
        'all' as breakdown,
        {{ rrs_band('entry_score') }} as band
    from spell_scores
    where entry_score is not null
    union all
    select
        'Mid' as section,
        'cohort_mode_mid_band' as metric,
        {{ dbt.cast('cohort_year', dbt.type_string()) }} as breakdown,
        {{ rrs_band('mid_score') }} as band
    from spell_scores
    where mid_score is not null
    union all
    select
        'Exit' as section,
        'mode_exit_band' as metric,
        'all' as breakdown,
        {{ rrs_band('exit_score') }} as band
    from spell_scores
    where not is_open and exit_score is not null
),

band_counts as (
    select
        section,
        metric,
        breakdown,
        band,
        count(*) as spells_in_band,
        sum(count(*)) over (partition by section, metric, breakdown) as spells_scored
    from band_observations
    group by section, metric, breakdown, band
),

band_modes as (
    select
        *,
        row_number() over (
            partition by section, metric, breakdown order by spells_in_band desc, band asc
        ) as band_rank
    from band_counts
),

final as (
    select
        {{ scorecard_row(
            'section',
            breakdown='breakdown',
            value='band * 100.0',
            value_label=rrs_band_label('band * 100'),
            numerator='spells_in_band',
            denominator='spells_scored',
            unit="'band'",
        ) }}
    from band_modes
    where band_rank = 1
)

select * from final
