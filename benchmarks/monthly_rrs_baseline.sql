-- Baseline for the population benchmark: monthly_rrs as the metrics.md definition, written
-- as one plain DuckDB query (every event joined to every month end whose window holds it),
-- to time against dagster_project/scoring/rrs.py's compute_population_rrs. Same inputs
-- (intermediate.int_months, staging.stg_convictions, staging.stg_arrests,
-- reference.offence_weights) and the same output columns as scoring.monthly_rrs.
with months as (
    select month_end from intermediate.int_months where is_month_complete
),

matrix as (
    select * from reference.offence_weights
),

versions as (
    select distinct matrix_version, valid_from, valid_to from matrix
),

month_versions as (
    select
        months.month_end,
        versions.matrix_version,
        (select max(matrix_version) from versions) as lfl_matrix_version
    from months
    left join versions
        on months.month_end >= versions.valid_from
        and (versions.valid_to is null or months.month_end < versions.valid_to)
),

events as (
    select nominal_key, offence_code, is_weapon_enabled, conviction_date as event_date,
        'conviction' as event_kind
    from staging.stg_convictions
    union all
    select nominal_key, offence_code, is_weapon_enabled, arrest_date, 'arrest'
    from staging.stg_arrests
),

weighted as (
    select
        events.nominal_key,
        events.event_kind,
        events.event_date,
        matrix.matrix_version,
        matrix.weight + case when events.is_weapon_enabled then matrix.weapon_uplift else 0 end
            as event_weight
    from events
    inner join matrix on events.offence_code = matrix.offence_code
),

in_window as (
    select
        month_versions.month_end,
        month_versions.matrix_version,
        weighted.nominal_key,
        weighted.event_kind,
        weighted.event_weight,
        weighted.matrix_version = month_versions.matrix_version as is_in_force,
        weighted.matrix_version = month_versions.lfl_matrix_version as is_newest
    from month_versions
    inner join weighted
        on weighted.event_date <= month_versions.month_end
        and weighted.event_date > month_versions.month_end - case
            when weighted.event_kind = 'conviction' then interval 5 year
            else interval 12 month
        end
        and weighted.matrix_version
        in (month_versions.matrix_version, month_versions.lfl_matrix_version)
),

components as (
    select
        month_end,
        nominal_key,
        matrix_version,
        sum(event_weight) filter (where is_in_force and event_kind = 'conviction')
            as conviction_weight,
        sum(event_weight) filter (where is_in_force and event_kind = 'arrest')
            as arrest_weight,
        sum(event_weight) filter (where is_newest and event_kind = 'conviction')
            as conviction_weight_lfl,
        sum(event_weight) filter (where is_newest and event_kind = 'arrest')
            as arrest_weight_lfl
    from in_window
    group by month_end, nominal_key, matrix_version
),

final as (
    select
        month_end,
        nominal_key,
        matrix_version,
        case when matrix_version is not null then coalesce(conviction_weight, 0) end
            as conviction_weight,
        case when matrix_version is not null then coalesce(arrest_weight, 0) end
            as arrest_weight,
        case when matrix_version is not null
            then coalesce(conviction_weight, 0) * coalesce(arrest_weight, 0) end as rrs,
        coalesce(conviction_weight_lfl, 0) as conviction_weight_lfl,
        coalesce(arrest_weight_lfl, 0) as arrest_weight_lfl,
        coalesce(conviction_weight_lfl, 0) * coalesce(arrest_weight_lfl, 0) as rrs_lfl
    from components
)

select * from final
where coalesce(conviction_weight, 0) > 0 or coalesce(arrest_weight, 0) > 0
    or conviction_weight_lfl > 0 or arrest_weight_lfl > 0
