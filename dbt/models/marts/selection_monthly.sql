-- Selection month by month: who was eligible at each month end of M, and how the spells
-- starting in the next month split between eligible people and people below the threshold.
with months as (
    select * from {{ ref('int_months') }}
),

scores as (
    select * from {{ ref('monthly_scores') }}
),

spells as (
    select * from {{ ref('int_spells') }}
),

month_ends as (
    select
        month_end,
        cast({{ dbt.last_day(dbt.dateadd('month', 1, 'month_end'), 'month') }} as date)
            as next_month_end
    from months
    where is_month_complete
),

eligible_people as (
    select
        month_end,
        nominal_key
    from scores
    where not is_on_iom and rrs >= {{ var('selection_threshold') }}
),

eligible_counts as (
    select
        month_end,
        count(*) as eligible
    from eligible_people
    group by month_end
),

entries as (
    select
        month_ends.month_end,
        spells.spell_id,
        spells.nominal_key
    from month_ends
    inner join spells
        on month_ends.month_end < spells.entry_date
        and month_ends.next_month_end >= spells.entry_date
),

-- open at m: entered on or before m, not exited by m (exits after the as-of date are not
-- in int_spells)
open_at_month_end as (
    select distinct
        entries.month_end,
        entries.nominal_key
    from entries
    inner join spells
        on entries.nominal_key = spells.nominal_key
        and {{ is_open_at('spells', 'entries.month_end') }}
),

classified as (
    select
        entries.month_end,
        entries.spell_id,
        eligible_people.nominal_key is not null as was_eligible,
        open_at_month_end.nominal_key is null
        and coalesce(scores.rrs, 0) < {{ var('selection_threshold') }} as was_below_threshold
    from entries
    left join eligible_people
        on entries.month_end = eligible_people.month_end
        and entries.nominal_key = eligible_people.nominal_key
    left join open_at_month_end
        on entries.month_end = open_at_month_end.month_end
        and entries.nominal_key = open_at_month_end.nominal_key
    left join scores
        on entries.month_end = scores.month_end
        and entries.nominal_key = scores.nominal_key
),

entry_counts as (
    select
        month_end,
        count(*) as entries_next_month,
        {{ count_where('was_eligible') }} as entered_next_month,
        {{ count_where('was_below_threshold') }} as entered_below_threshold
    from classified
    group by month_end
),

final as (
    select
        month_ends.month_end,
        cast(coalesce(eligible_counts.eligible, 0) as integer) as eligible,
        -- entries of a month that ends after the as-of date are not known yet
        cast(case when month_ends.next_month_end <= {{ as_of_date() }}
                then coalesce(entry_counts.entered_next_month, 0)
        end as integer)
            as entered_next_month,
        cast(case when month_ends.next_month_end <= {{ as_of_date() }}
                then coalesce(entry_counts.entered_below_threshold, 0)
        end as integer)
            as entered_below_threshold,
        cast(case when month_ends.next_month_end <= {{ as_of_date() }}
                then coalesce(entry_counts.entries_next_month, 0)
        end as integer)
            as entries_next_month
    from month_ends
    left join eligible_counts on month_ends.month_end = eligible_counts.month_end
    left join entry_counts on month_ends.month_end = entry_counts.month_end
)

select * from final
