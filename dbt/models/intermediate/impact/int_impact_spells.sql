-- The treated spells of impact_evaluation with their baseline, follow-up score, stratum and
-- what their stratum's comparison expects: one row per treated spell.
with spells as (
    select * from {{ ref('int_spells') }}
),

months as (
    select * from {{ ref('int_months') }}
),

scores as (
    select * from {{ ref('stg_monthly_rrs') }}
),

custody as (
    select * from {{ ref('int_population_custody') }}
),

convictions as (
    select * from {{ ref('stg_convictions') }}
),

strata as (
    select * from {{ ref('int_impact_comparison_strata') }}
),

last_month as (
    select max(month_end) as last_month_end from months
    where is_month_complete
),

-- a spell starting on the day another spell of the same person ended is a scheme move (a DV
-- washout to GENERIC, say), not a new treatment
scheme_moves as (
    select distinct later.spell_id
    from spells as later
    inner join spells as earlier
        on later.nominal_key = earlier.nominal_key
        and later.entry_date = earlier.exit_date
        and later.spell_id <> earlier.spell_id
),

baselines as (
    select
        spells.spell_id,
        spells.nominal_key,
        spells.scheme,
        spells.entry_date,
        -- the last month end strictly before entry_date
        cast({{ dbt.dateadd('day', -1, dbt.date_trunc('month', 'spells.entry_date')) }} as date)
            as baseline_month_end
    from spells
    left join scheme_moves on spells.spell_id = scheme_moves.spell_id
    where scheme_moves.spell_id is null
),

treated as (
    select
        baselines.*,
        {{ impact_horizons('baselines.baseline_month_end') }},
        last_month.last_month_end
    from baselines
    cross join last_month
    where {{ month_end_after('baselines.baseline_month_end', var('evaluation_horizon_months')) }}
        <= last_month.last_month_end
),

reoffences as (
    {{ proven_reoffences('treated', 'baseline_month_end', ['spell_id']) }}
),

scored as (
    select
        treated.spell_id,
        treated.nominal_key,
        treated.scheme,
        treated.entry_date,
        treated.baseline_month_end,
        treated.horizon_month_end,
        coalesce(baseline.rrs_lfl, 0) as baseline_score,
        coalesce(followup.rrs_lfl, 0) as followup_score,
        custody.nominal_key is not null as in_custody,
        treated.court_wait_end <= treated.last_month_end as has_reoffending_horizon,
        case when treated.court_wait_end <= treated.last_month_end
                then coalesce(reoffences.reoffences, 0)
        end as reoffences
    from treated
    left join scores as baseline
        on treated.nominal_key = baseline.nominal_key
        and treated.baseline_month_end = baseline.month_end
    left join scores as followup
        on treated.nominal_key = followup.nominal_key
        and treated.horizon_month_end = followup.month_end
    left join custody
        on treated.nominal_key = custody.nominal_key
        and treated.baseline_month_end = custody.status_date
    left join reoffences on treated.spell_id = reoffences.spell_id
),

stratified as (
    select
        *,
        {{ impact_score_band('baseline_score') }} as score_band,
        year(baseline_month_end) as baseline_year
    from scored
),

-- matching: a zero baseline or a stratum with fewer than K comparison person-months (for
-- reoffending: of those with the 18-month horizon) leaves the spell unmatched
matched as (
    select
        stratified.*,
        strata.mean_change,
        strata.reoffending_rate,
        strata.reoffences_per_person_month,
        stratified.baseline_score > 0
        and coalesce(strata.comparison_person_months, 0)
        >= {{ var('evaluation_min_comparisons') }} as is_matched,
        stratified.has_reoffending_horizon
        and stratified.baseline_score > 0
        and coalesce(strata.reoffending_person_months, 0)
        >= {{ var('evaluation_min_comparisons') }} as is_reoffending_matched
    from stratified
    left join strata
        on stratified.score_band = strata.score_band
        and stratified.baseline_year = strata.baseline_year
        and stratified.in_custody = strata.in_custody
),

final as (
    select
        -- ids
        spell_id,
        nominal_key,
        -- attributes
        scheme,
        score_band,
        baseline_year,
        in_custody,
        is_matched,
        has_reoffending_horizon,
        is_reoffending_matched,
        -- dates
        entry_date,
        baseline_month_end,
        horizon_month_end,
        -- scores (rrs_lfl)
        baseline_score,
        followup_score,
        followup_score - baseline_score as observed_change,
        case when is_matched then mean_change end as expected_change,
        case when is_matched then followup_score - baseline_score - mean_change end as effect,
        -- proven reoffending
        reoffences,
        case when is_reoffending_matched then reoffending_rate end as expected_reoffending_rate,
        case when is_reoffending_matched then reoffences_per_person_month end
            as expected_reoffences
    from matched
)

select * from final
