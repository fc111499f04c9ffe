-- Scorecard rows of the Recidivism section: nominals who came back onto IOM after an exit,
-- as a count and as a share of every nominal ever on IOM.
with spells as (
    select * from {{ ref('int_spells') }}
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

counts as (
    select
        (select count(distinct spells.nominal_key) as nominals from spells) as unique_nominals,
        (select count(*) as nominals from reentered) as reentered_nominals
),

metric_rows as (
    select
        'reentered_nominals' as metric,
        reentered_nominals as numerator,
        null as denominator,
        'count' as unit
    from counts
    union all
    select
        'reentered_pct' as metric,
        reentered_nominals as numerator,
        unique_nominals as denominator,
        'pct' as unit
    from counts
),

final as (
    select
        {{ scorecard_row("'Recidivism'", value=count_or_pct('unit', 'numerator', 'denominator')) }}
    from metric_rows
)

select * from final
