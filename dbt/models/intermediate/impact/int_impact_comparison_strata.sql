-- The comparison of impact_evaluation, summed per stratum: person-months (p, m) of people not
-- on IOM around m, whose score change over H months says what regression to the mean and the
-- passing of time alone do to a score like theirs. One row per stratum with a comparison.
with scores as (
    select * from {{ ref('stg_monthly_rrs') }}
),

months as (
    select * from {{ ref('int_months') }}
),

spells as (
    select * from {{ ref('int_spells') }}
),

custody as (
    select * from {{ ref('int_population_custody') }}
),

convictions as (
    select * from {{ ref('stg_convictions') }}
),

month_ends as (
    select month_end from months
    where is_month_complete
),

last_month as (
    select max(month_end) as last_month_end from month_ends
),

candidates as (
    select
        scores.nominal_key,
        scores.month_end,
        scores.rrs_lfl as baseline_score,
        {{ month_end_after('scores.month_end', 1) }} as next_month_end,
        {{ impact_horizons('scores.month_end') }},
        last_month.last_month_end
    from scores
    inner join month_ends on scores.month_end = month_ends.month_end
    cross join last_month
    where scores.rrs_lfl > 0
),

in_horizon as (
    select * from candidates
    where horizon_month_end <= last_month_end
),

-- a spell open at some date of [m, last_day(m + 1 month)]: it entered by the end of the next
-- month and had not ended by m (nor on its own entry day: a spell that ends the day it starts
-- is open on no date)
near_a_spell as (
    select distinct
        in_horizon.nominal_key,
        in_horizon.month_end
    from in_horizon
    inner join spells
        on in_horizon.nominal_key = spells.nominal_key
        and in_horizon.next_month_end >= spells.entry_date
        and (
            spells.exit_date is null
            or spells.exit_date > greatest(spells.entry_date, in_horizon.month_end)
        )
),

comparison as (
    select in_horizon.*
    from in_horizon
    left join near_a_spell
        on in_horizon.nominal_key = near_a_spell.nominal_key
        and in_horizon.month_end = near_a_spell.month_end
    where near_a_spell.nominal_key is null
),

reoffences as (
    {{ proven_reoffences('comparison', 'month_end', ['nominal_key', 'month_end']) }}
),

followed_up as (
    select
        comparison.nominal_key,
        comparison.month_end,
        comparison.baseline_score,
        coalesce(followup.rrs_lfl, 0) as followup_score,
        custody.nominal_key is not null as in_custody,
        comparison.court_wait_end <= comparison.last_month_end as has_reoffending_horizon,
        coalesce(reoffences.reoffences, 0) as reoffences
    from comparison
    left join scores as followup
        on comparison.nominal_key = followup.nominal_key
        and comparison.horizon_month_end = followup.month_end
    left join custody
        on comparison.nominal_key = custody.nominal_key
        and comparison.month_end = custody.status_date
    left join reoffences
        on comparison.nominal_key = reoffences.nominal_key
        and comparison.month_end = reoffences.month_end
),

final as (
    select
        -- ids: the stratum
        {{ impact_score_band('baseline_score') }} as score_band,
        year(month_end) as baseline_year,
        in_custody,
        -- measures
        count(*) as comparison_person_months,
        avg(followup_score - baseline_score) as mean_change,
        {{ count_where('has_reoffending_horizon') }} as reoffending_person_months,
        avg(
            case
                -- a double, not a decimal: Spark's mean of a decimal keeps 5 places
                when has_reoffending_horizon
                    then cast(case when reoffences > 0 then 1 else 0 end as {{ type_double() }})
            end
        ) as reoffending_rate,
        avg(case when has_reoffending_horizon then reoffences end) as reoffences_per_person_month
    from followed_up
    group by
        {{ impact_score_band('baseline_score') }},
        year(month_end),
        in_custody
)

select * from final
