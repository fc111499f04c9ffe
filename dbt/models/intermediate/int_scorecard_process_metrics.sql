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

nominal_counts as (
    select
        count(*) as unique_nominals,
        {{ count_where('has_open_spell') }} as on_iom_nominals,
        {{ count_where('has_exited_spell and not has_open_spell') }} as exited_nominals
    from nominal_status
),

spell_counts as (
    select
        {{ count_where('not is_open') }} as exited_spells,
        {{ count_where("not is_open and exit_reason = 'SUCCESSFUL'") }} as successful_exits
    from spells
),

counts as (
    select
        nominal_counts.unique_nominals,
        nominal_counts.on_iom_nominals,
        nominal_counts.exited_nominals,
        spell_counts.exited_spells,
        spell_counts.successful_exits
    from nominal_counts
    cross join spell_counts
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
        {{ scorecard_row("'Process'", value=count_or_pct('unit', 'numerator', 'denominator')) }}
    from metric_rows
)

select * from final
