"""The Reoffending Risk Score (metrics.md): vectorised DuckDB SQL over every scoring point.

rrs(n, d) = C(n, d) * A(n, d), with C the weights of convictions in (d - 5 years, d] and A
the weights of arrests in (d - 12 months, d], under the matrix version in force on d
(rrs) and under the newest version (rrs_lfl). Calendar arithmetic is DuckDB's
`date - interval`, which clamps to the month end (29 Feb 2024 - 5 years = 28 Feb 2019).
"""

import duckdb

RRS_TABLE = "scoring.rrs_scores"

# One statement per step so the benchmark can time the asset's plan against one query.
# Events are weighted once per matrix version (events x versions, small), then each scoring
# point is range-joined to its nominal's events and keeps the two versions it needs.
_WEIGHTED_EVENTS_SQL = """
create or replace temp table weighted_events as
with matrix as (
    select * from reference.offence_weights
),

convictions as (
    select nominal_key, offence_code, is_weapon_enabled, conviction_date as event_date,
        'conviction' as event_kind
    from staging.stg_convictions
),

arrests as (
    select nominal_key, offence_code, is_weapon_enabled, arrest_date as event_date,
        'arrest' as event_kind
    from staging.stg_arrests
),

events as (
    select * from convictions
    union all
    select * from arrests
)

select
    events.nominal_key,
    events.event_kind,
    events.event_date,
    matrix.matrix_version,
    matrix.weight + case when events.is_weapon_enabled then matrix.weapon_uplift else 0 end
        as event_weight
from events
inner join matrix on events.offence_code = matrix.offence_code
"""

_SCORED_POINTS_SQL = f"""
create or replace table {RRS_TABLE} as
with points as (
    select nominal_key, scoring_date from intermediate.int_scoring_points
),

versions as (
    select distinct matrix_version, valid_from, valid_to from reference.offence_weights
),

newest as (
    select max(matrix_version) as lfl_matrix_version from versions
),

points_with_versions as (
    select points.*, versions.matrix_version, newest.lfl_matrix_version
    from points
    cross join newest
    left join versions
        on points.scoring_date >= versions.valid_from
        and (versions.valid_to is null or points.scoring_date < versions.valid_to)
),

events_in_window as (
    select
        points.nominal_key,
        points.scoring_date,
        events.event_kind,
        events.event_weight,
        events.matrix_version = points.matrix_version as is_in_force,
        events.matrix_version = points.lfl_matrix_version as is_newest
    from points_with_versions as points
    inner join weighted_events as events
        on events.nominal_key = points.nominal_key
        and events.event_date <= points.scoring_date
        and (
            (events.event_kind = 'conviction'
                and events.event_date > points.scoring_date - interval 5 year)
            or (events.event_kind = 'arrest'
                and events.event_date > points.scoring_date - interval 12 month)
        )
        and events.matrix_version in (points.matrix_version, points.lfl_matrix_version)
),

components as (
    select
        nominal_key,
        scoring_date,
        sum(event_weight) filter (where is_in_force and event_kind = 'conviction')
            as conviction_weight,
        sum(event_weight) filter (where is_in_force and event_kind = 'arrest') as arrest_weight,
        sum(event_weight) filter (where is_newest and event_kind = 'conviction')
            as conviction_weight_lfl,
        sum(event_weight) filter (where is_newest and event_kind = 'arrest')
            as arrest_weight_lfl
    from events_in_window
    group by nominal_key, scoring_date
),

final as (
    select
        points.nominal_key,
        points.scoring_date,
        points.matrix_version,
        -- no version in force (a date before the first matrix): no score rather than 0
        case when points.matrix_version is not null
            then coalesce(components.conviction_weight, 0) end as conviction_weight,
        case when points.matrix_version is not null
            then coalesce(components.arrest_weight, 0) end as arrest_weight,
        case when points.matrix_version is not null
            then coalesce(components.conviction_weight, 0) * coalesce(components.arrest_weight, 0)
        end as rrs,
        points.lfl_matrix_version,
        coalesce(components.conviction_weight_lfl, 0) as conviction_weight_lfl,
        coalesce(components.arrest_weight_lfl, 0) as arrest_weight_lfl,
        coalesce(components.conviction_weight_lfl, 0) * coalesce(components.arrest_weight_lfl, 0)
            as rrs_lfl
    from points_with_versions as points
    left join components
        on points.nominal_key = components.nominal_key
        and points.scoring_date = components.scoring_date
)

select * from final order by nominal_key, scoring_date
"""


def rrs_sql() -> list[str]:
    """The statements compute_rrs runs, in order (for the benchmark and for reading)."""
    return ["create schema if not exists scoring", _WEIGHTED_EVENTS_SQL, _SCORED_POINTS_SQL]


def compute_rrs(con: duckdb.DuckDBPyConnection) -> None:
    """Score every point of intermediate.int_scoring_points into scoring.rrs_scores.

    Reads staging.stg_convictions, staging.stg_arrests and reference.offence_weights from the
    same connection; a pure function of those tables.
    """
    for statement in rrs_sql():
        con.execute(statement)
    con.execute("drop table if exists weighted_events")
