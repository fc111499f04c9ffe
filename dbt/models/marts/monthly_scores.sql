-- The score of every person of the population, month end by month end: one row per person x
-- month end of M with a score component > 0, with whether they were on IOM and in custody.
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

month_ends as (
    select month_end from months
    where is_month_complete
),

scored_months as (
    select scores.*
    from scores
    inner join month_ends on scores.month_end = month_ends.month_end
),

-- open at m: entered on or before m and not exited by m (int_spells already treats an exit
-- after the as-of date as not yet happened); of a same-day scheme move the later spell
open_spells as (
    select
        scored_months.nominal_key,
        scored_months.month_end,
        spells.scheme,
        row_number() over (
            partition by scored_months.nominal_key, scored_months.month_end
            order by spells.entry_date desc, spells.spell_id asc
        ) as spell_rank
    from scored_months
    inner join spells
        on scored_months.nominal_key = spells.nominal_key
        and {{ is_open_at('spells', 'scored_months.month_end') }}
),

final as (
    select
        -- ids
        scored_months.month_end,
        scored_months.nominal_key,
        -- attributes
        cast(scored_months.matrix_version as integer) as matrix_version,
        -- measures
        cast(scored_months.conviction_weight as bigint) as conviction_weight,
        cast(scored_months.arrest_weight as bigint) as arrest_weight,
        cast(scored_months.rrs as bigint) as rrs,
        cast(scored_months.rrs_lfl as bigint) as rrs_lfl,
        -- status at the month end
        open_spells.nominal_key is not null as is_on_iom,
        open_spells.scheme,
        custody.nominal_key is not null as in_custody
    from scored_months
    left join open_spells
        on scored_months.nominal_key = open_spells.nominal_key
        and scored_months.month_end = open_spells.month_end
        and open_spells.spell_rank = 1
    left join custody
        on scored_months.nominal_key = custody.nominal_key
        and scored_months.month_end = custody.status_date
)

select * from final
