-- One row per spell with its Reoffending Risk Scores at entry, mid-point, exit and latest,
-- bands, reduction and days at liberty, in the published column order.
with spell_scores as (
    select * from {{ ref('int_spell_scores') }}
),

final as (
    select
        -- ids
        spell_id,
        nominal_key,
        -- attributes
        scheme,
        area,
        entry_date,
        exit_date,
        exit_reason,
        is_open,
        cohort_year,
        matrix_version,
        -- scores
        entry_score,
        mid_date,
        mid_score,
        exit_score,
        latest_score,
        {{ rrs_band_label('entry_score') }} as entry_band,
        {{ rrs_band_label('mid_score') }} as mid_band,
        {{ rrs_band_label('exit_score') }} as exit_band,
        reduction,
        months_on_iom,
        reduction_rate,
        entry_score_lfl,
        exit_score_lfl,
        days_at_liberty
    from spell_scores
)

select * from final
