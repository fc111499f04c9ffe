{#- Nothing small about survivors leaves in dv_outcomes_publishable: no published count or
    total from 1 to threshold - 1, never exactly one suppressed cell beside a published
    total (it would be the total minus the rest), and every published count is the true one.
    A failure stops the run before publication. -#}
with published as (
    select * from {{ ref('dv_outcomes_publishable') }}
),

internal as (
    select * from {{ ref('dv_outcomes') }}
),

small_published as (
    select abuse_type, outcome, 'small count published' as problem
    from published
    where {{ is_small_count('cases') }} or {{ is_small_count('total_cases') }}
),

lone_suppressed as (
    select abuse_type, null as outcome, 'one suppressed cell beside its published total'
    from published
    where total_cases is not null
    group by abuse_type
    having {{ iom_warehouse.count_where('is_suppressed') }} = 1
),

altered as (
    select published.abuse_type, published.outcome, 'published count differs from the true one'
    from published
    inner join internal
        on published.abuse_type = internal.abuse_type
        and published.outcome = internal.outcome
    where published.cases is distinct from internal.cases and not published.is_suppressed
),

final as (
    select * from small_published
    union all
    select * from lone_suppressed
    union all
    select * from altered
)

select * from final
