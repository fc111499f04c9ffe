-- Who a selection panel would look at on the as-of date: every person with no spell open and
-- a score at or above the selection threshold, ranked, with what the panel weighs.
with scores as (
    select * from {{ ref('stg_as_of_rrs') }}
),

spells as (
    select * from {{ ref('int_spells') }}
),

custody as (
    select * from {{ ref('int_population_custody') }}
),

arrests as (
    select * from {{ ref('stg_arrests') }}
),

open_spells as (
    select distinct nominal_key from spells where is_open
),

eligible as (
    select scores.*
    from scores
    left join open_spells on scores.nominal_key = open_spells.nominal_key
    where open_spells.nominal_key is null
        and scores.rrs >= {{ var('selection_threshold') }}
),

-- int_spells keeps an exit only when it is on or before the as-of date
ended_spells as (
    select * from spells where not is_open
),

previous_spells as (
    select nominal_key, count(*) as previous_spells
    from ended_spells
    group by nominal_key
),

last_exits as (
    select
        nominal_key,
        exit_date as last_exit_date,
        exit_reason as last_exit_reason
    from ended_spells
    qualify row_number() over (
        partition by nominal_key order by exit_date desc, entry_date desc, spell_id desc
    ) = 1
),

custody_at_as_of as (
    select nominal_key, earliest_release_date
    from custody
    where status_date = {{ as_of_date() }}
),

last_arrests as (
    select nominal_key, max(arrest_date) as last_arrest_date
    from arrests
    where arrest_date <= {{ as_of_date() }}
    group by nominal_key
),

final as (
    select
        -- a strict order: ranks are 1..N with no ties
        cast(row_number() over (
            order by
                eligible.rrs desc,
                eligible.conviction_weight desc,
                eligible.arrest_weight desc,
                eligible.nominal_key asc
        ) as integer) as rank,
        -- ids
        eligible.nominal_key,
        -- measures
        cast(eligible.rrs as bigint) as rrs,
        cast(eligible.conviction_weight as bigint) as conviction_weight,
        cast(eligible.arrest_weight as bigint) as arrest_weight,
        cast(eligible.rrs_without_uplift as bigint) as rrs_without_uplift,
        cast(eligible.rrs - eligible.rrs_without_uplift as bigint) as uplift_points,
        -- attributes
        eligible.is_neighbourhood_crime,
        eligible.top_offence_group,
        cast(coalesce(previous_spells.previous_spells, 0) as integer) as previous_spells,
        last_exits.last_exit_date,
        last_exits.last_exit_reason,
        custody_at_as_of.nominal_key is not null as in_custody,
        custody_at_as_of.earliest_release_date,
        last_arrests.last_arrest_date
    from eligible
    left join previous_spells on eligible.nominal_key = previous_spells.nominal_key
    left join last_exits on eligible.nominal_key = last_exits.nominal_key
    left join custody_at_as_of on eligible.nominal_key = custody_at_as_of.nominal_key
    left join last_arrests on eligible.nominal_key = last_arrests.nominal_key
)

select * from final
