-- dv_outcomes made safe to publish: cells of 1 to 9 survivors are suppressed, plus whatever
-- else would let a reader work them back out from the row's total (docs/decisions/dv.md).
-- The internal mart dv_outcomes keeps the true counts.
with outcomes as (
    select * from {{ ref('dv_outcomes') }}
),

primary_suppression as (
    select
        *,
        {{ is_small_count('total_cases') }} as is_total_suppressed,
        {{ is_small_count('cases') }} as is_primary_suppressed
    from outcomes
),

primaries_per_row as (
    select
        *,
        {{ count_where('is_primary_suppressed') }}
            over (partition by abuse_type) as primary_cells_in_row
    from primary_suppression
),

-- a lone suppressed cell equals the published total minus the others, so the smallest
-- other non-zero cell of its row goes with it (ties: the first outcome by name)
secondary_candidates as (
    select
        *,
        row_number() over (
            partition by abuse_type, (not is_primary_suppressed and cases > 0)
            order by cases, outcome
        ) = 1
        and not is_primary_suppressed
        and cases > 0 as is_smallest_other_cell
    from primaries_per_row
),

suppression as (
    select
        *,
        is_total_suppressed
        or is_primary_suppressed
        or (primary_cells_in_row = 1 and is_smallest_other_cell) as is_suppressed
    from secondary_candidates
),

-- the combined share adds two cells, so it would reveal either one that is suppressed
combined_share_suppression as (
    select
        *,
        {{ dbt.bool_or("is_suppressed and outcome in ('CESSATION', 'SIGNIFICANT_REDUCTION')") }}
            over (partition by abuse_type) as is_combined_share_suppressed
    from suppression
),

final as (
    select
        abuse_type,
        outcome,
        case when not is_suppressed then cases end as cases,
        case when not is_total_suppressed then total_cases end as total_cases,
        case when not is_suppressed then pct end as pct,
        case
            when not is_combined_share_suppressed then cessation_or_significant_pct
        end as cessation_or_significant_pct,
        is_suppressed
    from combined_share_suppression
)

select * from final
