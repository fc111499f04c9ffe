-- IDVA survivor outcomes at closure: closed cases per abuse type x outcome, every combination
-- present (zero-filled) so a missing outcome reads as 0 rather than as absent.
with outcomes as (
    select * from {{ ref('int_idva_outcomes') }}
),

-- the categories of feeds.md, listed here so that zero rows exist for unseen ones
abuse_types as (
    select abuse_type
    from {{ inline_values('abuse_type_names', ['abuse_type'], [
        ['PHYSICAL'], ['EMOTIONAL'], ['FINANCIAL'], ['SEXUAL'], ['JEALOUS_CONTROLLING'],
        ['STALKING'],
    ]) }}
),

outcome_categories as (
    select outcome
    from {{ inline_values('outcome_names', ['outcome'], [
        ['NOT_DISCLOSED'], ['CESSATION'], ['SIGNIFICANT_REDUCTION'], ['SOME_REDUCTION'],
        ['DONT_KNOW'],
    ]) }}
),

grid as (
    select
        abuse_types.abuse_type,
        outcome_categories.outcome
    from abuse_types
    cross join outcome_categories
),

cases_per_cell as (
    select
        abuse_type,
        outcome,
        count(distinct case_key) as cases
    from outcomes
    group by abuse_type, outcome
),

zero_filled as (
    select
        grid.abuse_type,
        grid.outcome,
        coalesce(cases_per_cell.cases, 0) as cases
    from grid
    left join cases_per_cell
        on grid.abuse_type = cases_per_cell.abuse_type
        and grid.outcome = cases_per_cell.outcome
),

with_totals as (
    select
        *,
        sum(cases) over (partition by abuse_type) as total_cases,
        sum(case when outcome in ('CESSATION', 'SIGNIFICANT_REDUCTION') then cases else 0 end)
            over (partition by abuse_type) as cessation_or_significant_cases
    from zero_filled
),

final as (
    select
        abuse_type,
        outcome,
        {{ dbt.cast('cases', dbt.type_int()) }} as cases,
        {{ dbt.cast('total_cases', dbt.type_int()) }} as total_cases,
        -- no closed case with an outcome for the type: a share of nothing is undefined
        {{ percent('cases', 'total_cases') }} as pct,
        {{ percent('cessation_or_significant_cases', 'total_cases') }}
            as cessation_or_significant_pct
    from with_totals
)

select * from final
