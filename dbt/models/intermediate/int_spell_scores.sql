-- One row per spell with its Reoffending Risk Scores at entry, mid-point, exit and latest,
-- reduction and days at liberty: what nominal_scores publishes and what the scorecard
-- sections average. Scores are read from stg_rrs_scores (computed once, in the Python
-- asset), never recomputed here.
{%- set spell_days = dbt.datediff('entry_date', 'exit_date', 'day') | trim %}
with spells as (
    select * from {{ ref('int_spells') }}
),

spell_scoring_dates as (
    select * from {{ ref('int_spell_scoring_dates') }}
),

days_at_liberty as (
    select * from {{ ref('int_spell_days_at_liberty') }}
),

rrs_scores as (
    select * from {{ ref('stg_rrs_scores') }}
),

scored as (
    select
        spells.*,
        spell_scoring_dates.mid_date,
        entry_scores.matrix_version,
        entry_scores.rrs as entry_score,
        mid_scores.rrs as mid_score,
        exit_scores.rrs as exit_score,
        latest_scores.rrs as latest_score,
        entry_scores.rrs_lfl as entry_score_lfl,
        exit_scores.rrs_lfl as exit_score_lfl,
        days_at_liberty.days_at_liberty
    from spells
    inner join spell_scoring_dates on spells.spell_id = spell_scoring_dates.spell_id
    inner join days_at_liberty on spells.spell_id = days_at_liberty.spell_id
    left join rrs_scores as entry_scores
        on spells.nominal_key = entry_scores.nominal_key
        and spell_scoring_dates.entry_date = entry_scores.scoring_date
    left join rrs_scores as mid_scores
        on spells.nominal_key = mid_scores.nominal_key
        and spell_scoring_dates.mid_date = mid_scores.scoring_date
    left join rrs_scores as exit_scores
        on spells.nominal_key = exit_scores.nominal_key
        and spell_scoring_dates.exit_date = exit_scores.scoring_date
    left join rrs_scores as latest_scores
        on spells.nominal_key = latest_scores.nominal_key
        and spell_scoring_dates.latest_date = latest_scores.scoring_date
),

with_months as (
    select
        *,
        exit_score - entry_score as reduction,
        case
            when not is_open
                then cast({{ spell_days }} as {{ type_double() }}) / 30.4375
        end as months_on_iom
    from scored
),

final as (
    select
        -- ids
        spell_id,
        nominal_key,
        -- attributes
        scheme,
        area,
        exit_reason,
        is_open,
        cohort_year,
        matrix_version,
        -- dates
        entry_date,
        exit_date,
        mid_date,
        -- scores
        entry_score,
        mid_score,
        exit_score,
        latest_score,
        reduction,
        months_on_iom,
        case when months_on_iom >= 1 then reduction / months_on_iom end as reduction_rate,
        entry_score_lfl,
        exit_score_lfl,
        days_at_liberty
    from with_months
)

select * from final
