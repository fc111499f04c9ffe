-- Baseline and exit PPIT of every exited DV spell (metrics.md, dv_ppit_reduction_pct).
-- baseline: the first assessment from entry_date - 90 days to exit_date;
-- exit PPIT: the last assessment up to exit_date + 28 days on a later day than the baseline
-- (a same-day reassessment measures no change over the spell; docs/decisions/dv.md).
-- Ties on a day go to the lowest assessment_id for the baseline, the highest for the exit.
with spells as (
    select * from {{ ref('int_spells') }}
),

assessments as (
    select * from {{ ref('int_ppit_assessments') }}
),

exited_dv_spells as (
    select
        spell_id,
        nominal_key,
        exit_reason,
        entry_date,
        exit_date
    from spells
    where scheme = 'DV' and not is_open
),

ranked_baselines as (
    select
        exited_dv_spells.spell_id,
        assessments.assessment_id as baseline_assessment_id,
        assessments.ppit_score as baseline_ppit_score,
        assessments.assessment_date as baseline_date,
        row_number() over (
            partition by exited_dv_spells.spell_id
            order by assessments.assessment_date, assessments.assessment_id
        ) as baseline_rank
    from exited_dv_spells
    inner join assessments
        on exited_dv_spells.nominal_key = assessments.nominal_key
        and assessments.assessment_date
        between cast({{ dbt.dateadd('day', -90, 'exited_dv_spells.entry_date') }} as date)
        and exited_dv_spells.exit_date
),

baselines as (
    select
        spell_id,
        baseline_assessment_id,
        baseline_ppit_score,
        baseline_date
    from ranked_baselines
    where baseline_rank = 1
),

spells_with_baseline as (
    select
        exited_dv_spells.*,
        baselines.baseline_assessment_id,
        baselines.baseline_ppit_score,
        baselines.baseline_date
    from exited_dv_spells
    left join baselines
        on exited_dv_spells.spell_id = baselines.spell_id
),

ranked_exit_assessments as (
    select
        spells_with_baseline.spell_id,
        assessments.assessment_id as exit_assessment_id,
        assessments.ppit_score as exit_ppit_score,
        assessments.assessment_date as exit_assessment_date,
        row_number() over (
            partition by spells_with_baseline.spell_id
            order by assessments.assessment_date desc, assessments.assessment_id desc
        ) as exit_rank
    from spells_with_baseline
    inner join assessments
        on spells_with_baseline.nominal_key = assessments.nominal_key
        and spells_with_baseline.baseline_date < assessments.assessment_date
        and assessments.assessment_date
        <= cast({{ dbt.dateadd('day', 28, 'spells_with_baseline.exit_date') }} as date)
),

exit_assessments as (
    select
        spell_id,
        exit_assessment_id,
        exit_ppit_score,
        exit_assessment_date
    from ranked_exit_assessments
    where exit_rank = 1
),

final as (
    select
        -- ids
        spells_with_baseline.spell_id,
        spells_with_baseline.nominal_key,
        spells_with_baseline.baseline_assessment_id,
        exit_assessments.exit_assessment_id,
        -- attributes
        spells_with_baseline.exit_reason,
        exit_assessments.exit_assessment_id is not null as has_pair,
        -- measures
        spells_with_baseline.baseline_ppit_score,
        exit_assessments.exit_ppit_score,
        -- dates
        spells_with_baseline.entry_date,
        spells_with_baseline.exit_date,
        spells_with_baseline.baseline_date,
        exit_assessments.exit_assessment_date
    from spells_with_baseline
    left join exit_assessments
        on spells_with_baseline.spell_id = exit_assessments.spell_id
)

select * from final
