-- Spells as they stood on the as-of date: later entries dropped, later exits not yet happened.
with register as (
    select * from {{ ref('stg_iom_register') }}
),

as_of_spells as (
    select
        -- ids
        spell_id,
        nominal_key,
        -- attributes
        scheme,
        area,
        case when exit_date <= {{ as_of_date() }} then exit_reason end as exit_reason,
        -- dates
        entry_date,
        case when exit_date <= {{ as_of_date() }} then exit_date end as exit_date
    from register
    where entry_date <= {{ as_of_date() }}
),

final as (
    select
        *,
        exit_date is null as is_open,
        coalesce(exit_date, {{ as_of_date() }}) as end_date,
        {{ dbt.cast('extract(year from entry_date)', dbt.type_int()) }} as cohort_year
    from as_of_spells
)

select * from final
