-- Scorecard rows computed from spells and their scores (sections Process, Recidivism,
-- Entry, Mid, Exit, Reduction and the custody caveat of Significance), one row per
-- metric x breakdown, in the scorecard's long format. Means carry the number of spells
-- they average over in `denominator`; percentages carry numerator and denominator.
with nominal_scores as (
    select * from {{ ref('int_spell_scores') }}
),

spells as (
    select * from {{ ref('int_spells') }}
),

exited as (
    select * from nominal_scores where not is_open
),

-- a later spell starting strictly after an earlier one ended; a same-day move between
-- schemes (entry = previous exit) is not a re-entry
reentered as (
    select distinct later.nominal_key
    from spells as later
    inner join spells as earlier
        on later.nominal_key = earlier.nominal_key
        and earlier.exit_date is not null
        and later.entry_date > earlier.exit_date
),

nominal_status as (
    select
        nominal_key,
        bool_or(is_open) as has_open_spell,
        bool_or(not is_open) as has_exited_spell
    from spells
    group by nominal_key
),

counts as (
    select
        (select count(*) from nominal_status) as unique_nominals,
        (select count(*) from nominal_status where has_open_spell) as on_iom_nominals,
        (select count(*) from nominal_status where has_exited_spell and not has_open_spell)
            as exited_nominals,
        (select count(*) from reentered) as reentered_nominals,
        (select count(*) from exited) as exited_spells,
        (select count(*) from exited where exit_reason = 'SUCCESSFUL') as successful_exits,
        (select count(*) from exited where 2 * days_at_liberty < exit_date - entry_date)
            as exited_mostly_in_custody
),

count_rows as (
    select 'Process' as section, 'unique_nominals' as metric, unique_nominals as numerator,
        null as denominator, 'count' as unit
    from counts
    union all
    select 'Process', 'on_iom_nominals', on_iom_nominals, null, 'count' from counts
    union all
    select 'Process', 'exited_nominals', exited_nominals, null, 'count' from counts
    union all
    select 'Process', 'successful_exit_pct', successful_exits, exited_spells, 'pct' from counts
    union all
    select 'Recidivism', 'reentered_nominals', reentered_nominals, null, 'count' from counts
    union all
    select 'Recidivism', 'reentered_pct', reentered_nominals, unique_nominals, 'pct' from counts
    union all
    select 'Significance', 'exited_mostly_in_custody', exited_mostly_in_custody, exited_spells,
        'pct'
    from counts
),

count_metrics as (
    select
        section,
        metric,
        'all' as breakdown,
        case
            when unit = 'count' then numerator
            when denominator > 0 then 100.0 * numerator / denominator
        end as value,
        cast(null as varchar) as value_label,
        numerator,
        denominator,
        unit
    from count_rows
),

-- mean scores: per scope ('all' spells, exited spells, or a cohort year)
score_means as (
    select
        'all' as breakdown,
        count(*) as spells,
        count(entry_score) as scored_spells,
        avg(entry_score) as mean_entry,
        avg(latest_score) as mean_latest,
        cast(null as double) as mean_mid,
        cast(null as double) as mean_exit,
        cast(null as double) as mean_reduction,
        cast(null as double) as mean_reduction_rate,
        cast(null as bigint) as rated_spells
    from nominal_scores
    union all
    select
        'exited', count(*), count(entry_score), avg(entry_score), null, null, avg(exit_score),
        avg(reduction), avg(reduction_rate), count(reduction_rate)
    from exited
    union all
    select
        cast(cohort_year as varchar), count(*), count(entry_score), avg(entry_score), null,
        avg(mid_score), null, null, null, null
    from nominal_scores
    group by cohort_year
),

mean_metrics as (
    select 'Entry' as section, 'mean_entry_score' as metric, 'all' as breakdown,
        mean_entry as value, null as numerator, scored_spells as denominator, 'score' as unit
    from score_means where breakdown = 'all'
    union all
    select 'Mid', 'cohort_size', breakdown, spells, spells, null, 'count'
    from score_means where breakdown not in ('all', 'exited')
    union all
    select 'Mid', 'cohort_mean_mid_score', breakdown, mean_mid, null, scored_spells, 'score'
    from score_means where breakdown not in ('all', 'exited')
    union all
    select 'Mid', 'cohort_mean_entry_score', breakdown, mean_entry, null, scored_spells, 'score'
    from score_means where breakdown not in ('all', 'exited')
    union all
    select 'Mid', 'cohort_mid_variance', breakdown, mean_mid - mean_entry, null, scored_spells,
        'score'
    from score_means where breakdown not in ('all', 'exited')
    union all
    select 'Mid', 'cohort_mid_variance_pct', breakdown,
        100.0 * (mean_mid - mean_entry) / nullif(mean_entry, 0), mean_mid - mean_entry,
        mean_entry, 'pct'
    from score_means where breakdown not in ('all', 'exited')
    union all
    select 'Exit', 'mean_exit_score', 'all', mean_exit, null, spells, 'score'
    from score_means where breakdown = 'exited'
    union all
    select 'Exit', 'exit_variance', 'all', mean_exit - mean_entry, null, spells, 'score'
    from score_means where breakdown = 'exited'
    union all
    select 'Exit', 'exit_variance_pct', 'all',
        100.0 * (mean_exit - mean_entry) / nullif(mean_entry, 0), mean_exit - mean_entry,
        mean_entry, 'pct'
    from score_means where breakdown = 'exited'
    union all
    select 'Reduction', 'mean_reduction', 'all', mean_reduction, null, spells, 'score'
    from score_means where breakdown = 'exited'
    union all
    select 'Reduction', 'mean_reduction_rate', 'all', mean_reduction_rate, null, rated_spells,
        'ratio'
    from score_means where breakdown = 'exited'
    union all
    select 'Reduction', 'cohort_reduction_pct', 'all',
        100.0 * (mean_latest - mean_entry) / nullif(mean_entry, 0), mean_latest - mean_entry,
        mean_entry, 'pct'
    from score_means where breakdown = 'all'
),

-- bands: the most frequent band of a score, ties to the lowest band
band_observations as (
    select 'Entry' as section, 'mode_entry_band' as metric, 'all' as breakdown,
        {{ rrs_band('entry_score') }} as band
    from nominal_scores where entry_score is not null
    union all
    select 'Mid', 'cohort_mode_mid_band', cast(cohort_year as varchar), {{ rrs_band('mid_score') }}
    from nominal_scores where mid_score is not null
    union all
    select 'Exit', 'mode_exit_band', 'all', {{ rrs_band('exit_score') }}
    from exited where exit_score is not null
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

band_metrics as (
    select
        section,
        metric,
        breakdown,
        band * 100.0 as value,
        {{ rrs_band_label('band * 100') }} as value_label,
        spells_in_band as numerator,
        spells_scored as denominator,
        'band' as unit
    from band_modes
    where band_rank = 1
),

final as (
    select
        section,
        metric,
        breakdown,
        cast(value as double) as value,
        cast(value_label as varchar) as value_label,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        unit
    from count_metrics
    union all
    select
        section, metric, breakdown, cast(value as double), cast(null as varchar),
        cast(numerator as double), cast(denominator as double), unit
    from mean_metrics
    union all
    select
        section, metric, breakdown, cast(value as double), value_label,
        cast(numerator as double), cast(denominator as double), unit
    from band_metrics
)

select * from final
