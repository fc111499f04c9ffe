-- Scorecard rows of the Process section: nominals ever on IOM, on IOM now, exited for good,
-- and the share of exited spells that ended SUCCESSFUL.
with spells as (
    select * from {{ ref('int_spells') }}
),

nominal_status as (
    select
        nominal_key,
        {{ dbt.bool_or('is_open') }} as has_open_spell,
        {{ dbt.bool_or('not is_open') }} as has_exited_spell
    from spells
    group by nominal_key
),

counts as (
    select
        (select count(*) from nominal_status) as unique_nominals,
        (
            select count(*) from nominal_status
            where has_open_spell
        ) as on_iom_nominals,
        (
            select count(*) from nominal_status
            where has_exited_spell and not has_open_spell)
            as exited_nominals,
        (
            select count(*) from spells
            where not is_open
        ) as exited_spells,
        (
            select count(*) from spells
            where not is_open and exit_reason = 'SUCCESSFUL')
            as successful_exits
),

metric_rows as (
    select
        'unique_nominals' as metric,
        unique_nominals as numerator,
        null as denominator,
        'count' as unit
    from counts
    union all
    select
        'on_iom_nominals' as metric,
        on_iom_nominals as numerator,
        null as denominator,
        'count' as unit
    from counts
    union all
    select
        'exited_nominals' as metric,
        exited_nominals as numerator,
        null as denominator,
        'count' as unit
    from counts
    union all
    select
        'successful_exit_pct' as metric,
        successful_exits as numerator,
        exited_spells as denominator,
        'pct' as unit
    from counts
),

final as (
    select
        'Process' as section,
        metric,
        'all' as breakdown,
        {{ dbt.cast(count_or_pct('unit', 'numerator', 'denominator'), type_double()) }} as value,
        {{ dbt.cast('null', dbt.type_string()) }} as value_label,
        {{ dbt.cast('numerator', type_double()) }} as numerator,
        {{ dbt.cast('denominator', type_double()) }} as denominator,
        unit
    from metric_rows
)

select * from final
