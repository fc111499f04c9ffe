"""The Reoffending Risk Score (metrics.md): vectorised DuckDB SQL over every scoring point.

rrs(n, d) = C(n, d) * A(n, d), with C the weights of convictions in (d - 5 years, d] and A
the weights of arrests in (d - 12 months, d], under the matrix version in force on d
(rrs) and under the newest version (rrs_lfl). Calendar arithmetic is DuckDB's
`date - interval`, which clamps to the month end (29 Feb 2024 - 5 years = 28 Feb 2019).
"""

from datetime import date

import duckdb

RRS_TABLE = "scoring.rrs_scores"
MONTHLY_RRS_TABLE = "scoring.monthly_rrs"
AS_OF_RRS_TABLE = "scoring.as_of_rrs"

# The two windows of the definition, as DuckDB intervals and as months (for the month grid).
CONVICTION_WINDOW_MONTHS = 60
ARREST_WINDOW_MONTHS = 12
CONVICTION_WINDOW = f"interval {CONVICTION_WINDOW_MONTHS} month"
ARREST_WINDOW = f"interval {ARREST_WINDOW_MONTHS} month"

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
        as event_weight,
    -- the same event with every weapon_uplift taken as 0 (selection_candidates)
    matrix.weight as event_weight_without_uplift,
    matrix.offence_group,
    matrix.neighbourhood_crime = 'Y' as is_neighbourhood_crime
from events
inner join matrix on events.offence_code = matrix.offence_code
"""

_SCORED_POINTS_TEMPLATE = """
create or replace table {table} as
with points as (
    {points}
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
        events.matrix_version = points.matrix_version as is_in_force,{without_uplift_weight}
        events.matrix_version = points.lfl_matrix_version as is_newest
    from points_with_versions as points
    inner join weighted_events as events
        on events.nominal_key = points.nominal_key
        and events.event_date <= points.scoring_date
        and (
            (events.event_kind = 'conviction'
                and events.event_date > points.scoring_date - {conviction_window})
            or (events.event_kind = 'arrest'
                and events.event_date > points.scoring_date - {arrest_window})
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
            as arrest_weight_lfl{without_uplift_sums}
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
            as rrs_lfl{without_uplift_score}
    from points_with_versions as points
    left join components
        on points.nominal_key = components.nominal_key
        and points.scoring_date = components.scoring_date
)

select * from final order by nominal_key, scoring_date
"""

_WITHOUT_UPLIFT_WEIGHT = """
        events.event_weight_without_uplift,"""
_WITHOUT_UPLIFT_SUMS = """,
        sum(event_weight_without_uplift) filter (where is_in_force and event_kind = 'conviction')
            as conviction_weight_without_uplift,
        sum(event_weight_without_uplift) filter (where is_in_force and event_kind = 'arrest')
            as arrest_weight_without_uplift"""
_WITHOUT_UPLIFT_SCORE = """,
        case when points.matrix_version is not null
            then coalesce(components.conviction_weight_without_uplift, 0)
            * coalesce(components.arrest_weight_without_uplift, 0)
        end as rrs_without_uplift"""


def scored_points_sql(points: str, table: str, without_uplift: bool = False) -> str:
    """Score every (nominal_key, scoring_date) of the `points` query into `table`.

    With `without_uplift`, also rrs_without_uplift: the score under the version in force with
    every weapon_uplift taken as 0.
    """
    return _SCORED_POINTS_TEMPLATE.format(
        table=table,
        points=points,
        conviction_window=CONVICTION_WINDOW,
        arrest_window=ARREST_WINDOW,
        without_uplift_weight=_WITHOUT_UPLIFT_WEIGHT if without_uplift else "",
        without_uplift_sums=_WITHOUT_UPLIFT_SUMS if without_uplift else "",
        without_uplift_score=_WITHOUT_UPLIFT_SCORE if without_uplift else "",
    )


_SCORED_POINTS_SQL = scored_points_sql(
    "select nominal_key, scoring_date from intermediate.int_scoring_points", RRS_TABLE
)


# The month-end scores of the whole population (monthly_rrs). An event counts for a
# contiguous run of month ends: from the end of its own month for `window` months, plus one
# more when adding the window clamps its day (29 Feb 2020 + 12 months = 28 Feb 2021, and
# 28 Feb 2021 - 12 months = 28 Feb 2020 < 29 Feb 2020, so it still counts on 28 Feb 2021).
# That is exactly `m - window < event_date <= m` for every month end m. Each run becomes a
# +weight / -weight pair on a month index, running sums per person and version give the
# components from one change to the next, and only runs with a component > 0 are expanded to
# month ends: no event x month join, so the work grows with the output, not events x 60.
_MONTH_GRID_SQL = """
create or replace temp table month_grid as
with months as (
    select month_end from intermediate.int_months where is_month_complete
),

versions as (
    select distinct matrix_version, valid_from, valid_to from reference.offence_weights
),

final as (
    select
        months.month_end,
        year(months.month_end) * 12 + month(months.month_end) - 1 as month_index,
        versions.matrix_version
    from months
    left join versions
        on months.month_end >= versions.valid_from
        and (versions.valid_to is null or months.month_end < versions.valid_to)
)

select * from final
"""

_MONTHLY_RUNS_SQL = """
create or replace temp table monthly_runs as
with grid as (
    select min(month_index) as first_index, max(month_index) as last_index from month_grid
),

newest as (
    select max(matrix_version) as lfl_matrix_version from reference.offence_weights
),

-- a version is needed in the months it is in force, the newest one in every month (lfl)
needed_versions as (
    select
        versions.matrix_version,
        case when versions.matrix_version = newest.lfl_matrix_version
            then grid.first_index else min(month_grid.month_index) end as first_index,
        case when versions.matrix_version = newest.lfl_matrix_version
            then grid.last_index else max(month_grid.month_index) end as last_index
    from (select distinct matrix_version from reference.offence_weights) as versions
    cross join grid
    cross join newest
    left join month_grid on versions.matrix_version = month_grid.matrix_version
    group by versions.matrix_version, newest.lfl_matrix_version, grid.first_index,
        grid.last_index
    having versions.matrix_version = newest.lfl_matrix_version
        or count(month_grid.month_index) > 0
),

events as (
    select
        nominal_key,
        matrix_version,
        event_kind,
        event_weight,
        year(event_date) * 12 + month(event_date) - 1 as event_index,
        case when event_kind = 'conviction'
            then {conviction_months} - 1
                + (day(event_date + {conviction_window}) < day(event_date))::integer
            else {arrest_months} - 1
                + (day(event_date + {arrest_window}) < day(event_date))::integer
        end as extra_months
    from weighted_events
),

runs as (
    select
        events.nominal_key,
        events.matrix_version,
        events.event_kind,
        events.event_weight,
        greatest(events.event_index, needed_versions.first_index) as first_index,
        least(events.event_index + events.extra_months, needed_versions.last_index)
            as last_index
    from events
    inner join needed_versions on events.matrix_version = needed_versions.matrix_version
),

final as (
    select * from runs where first_index <= last_index
)

select * from final
"""

_MONTHLY_PIECES_SQL = """
create or replace temp table monthly_pieces as
with runs as (
    select * from monthly_runs
),

deltas as (
    select nominal_key, matrix_version, event_kind, first_index as month_index,
        event_weight as delta
    from runs
    union all
    select nominal_key, matrix_version, event_kind, last_index + 1, -event_weight
    from runs
),

changes as (
    select
        nominal_key,
        matrix_version,
        month_index,
        coalesce(sum(delta) filter (where event_kind = 'conviction'), 0) as conviction_delta,
        coalesce(sum(delta) filter (where event_kind = 'arrest'), 0) as arrest_delta
    from deltas
    group by nominal_key, matrix_version, month_index
),

running as (
    select
        nominal_key,
        matrix_version,
        month_index as first_index,
        lead(month_index) over by_month as next_index,
        sum(conviction_delta) over by_month as conviction_weight,
        sum(arrest_delta) over by_month as arrest_weight
    from changes
    window by_month as (
        partition by nominal_key, matrix_version order by month_index
        rows between unbounded preceding and current row
    )
),

final as (
    -- the last change of a person and version brings both sums back to 0
    select * from running where conviction_weight > 0 or arrest_weight > 0
)

select * from final
"""

_MONTHLY_SCORES_SQL = f"""
create or replace table {MONTHLY_RRS_TABLE} as
with pieces as (
    select * from monthly_pieces
),

newest as (
    select max(matrix_version) as lfl_matrix_version from reference.offence_weights
),

person_months as (
    select
        nominal_key,
        matrix_version,
        unnest(range(first_index, next_index)) as month_index,
        conviction_weight,
        arrest_weight
    from pieces
),

components as (
    select
        month_grid.month_end,
        person_months.nominal_key,
        month_grid.matrix_version,
        max(person_months.conviction_weight)
            filter (where person_months.matrix_version = month_grid.matrix_version)
            as conviction_weight,
        max(person_months.arrest_weight)
            filter (where person_months.matrix_version = month_grid.matrix_version)
            as arrest_weight,
        max(person_months.conviction_weight)
            filter (where person_months.matrix_version = newest.lfl_matrix_version)
            as conviction_weight_lfl,
        max(person_months.arrest_weight)
            filter (where person_months.matrix_version = newest.lfl_matrix_version)
            as arrest_weight_lfl
    from person_months
    inner join month_grid on person_months.month_index = month_grid.month_index
    cross join newest
    group by month_grid.month_end, person_months.nominal_key, month_grid.matrix_version
),

final as (
    select
        month_end,
        nominal_key,
        matrix_version,
        -- no version in force (a month before the first matrix): no score rather than 0
        case when matrix_version is not null
            then coalesce(conviction_weight, 0)::bigint end as conviction_weight,
        case when matrix_version is not null
            then coalesce(arrest_weight, 0)::bigint end as arrest_weight,
        case when matrix_version is not null
            then (coalesce(conviction_weight, 0) * coalesce(arrest_weight, 0))::bigint
        end as rrs,
        coalesce(conviction_weight_lfl, 0)::bigint as conviction_weight_lfl,
        coalesce(arrest_weight_lfl, 0)::bigint as arrest_weight_lfl,
        (coalesce(conviction_weight_lfl, 0) * coalesce(arrest_weight_lfl, 0))::bigint as rrs_lfl
    from components
)

select * from final order by month_end, nominal_key
"""


def monthly_rrs_sql() -> list[str]:
    """The statements compute_monthly_rrs runs, in order (for the benchmark and for reading)."""
    return [
        "create schema if not exists scoring",
        _WEIGHTED_EVENTS_SQL,
        _MONTH_GRID_SQL,
        _MONTHLY_RUNS_SQL.format(
            conviction_months=CONVICTION_WINDOW_MONTHS,
            arrest_months=ARREST_WINDOW_MONTHS,
            conviction_window=CONVICTION_WINDOW,
            arrest_window=ARREST_WINDOW,
        ),
        _MONTHLY_PIECES_SQL,
        _MONTHLY_SCORES_SQL,
    ]


# What selection_candidates shows of the arrests behind A(n, as-of): whether one of them is a
# neighbourhood crime and the offence group with the largest summed weight (ties:
# alphabetical first), both under the version in force at the as-of date, as A itself.
_AS_OF_ARRESTS_SQL = f"""
create or replace table {AS_OF_RRS_TABLE} as
with scores as (
    select * from as_of_scores
),

window_arrests as (
    select
        events.nominal_key,
        events.offence_group,
        events.is_neighbourhood_crime,
        events.event_weight
    from weighted_events as events
    inner join scores
        on events.nominal_key = scores.nominal_key
        and events.matrix_version = scores.matrix_version
    where events.event_kind = 'arrest'
        and events.event_date <= scores.scoring_date
        and events.event_date > scores.scoring_date - {ARREST_WINDOW}
),

group_weights as (
    select nominal_key, offence_group, sum(event_weight) as group_weight
    from window_arrests
    group by nominal_key, offence_group
),

top_groups as (
    select nominal_key, offence_group as top_offence_group
    from group_weights
    qualify row_number() over (
        partition by nominal_key order by group_weight desc, offence_group
    ) = 1
),

flags as (
    select nominal_key, bool_or(is_neighbourhood_crime) as is_neighbourhood_crime
    from window_arrests
    group by nominal_key
),

final as (
    select
        scores.*,
        coalesce(flags.is_neighbourhood_crime, false) as is_neighbourhood_crime,
        top_groups.top_offence_group
    from scores
    left join flags on scores.nominal_key = flags.nominal_key
    left join top_groups on scores.nominal_key = top_groups.nominal_key
)

select * from final order by nominal_key
"""


def as_of_rrs_sql(as_of: date) -> list[str]:
    """Score every person with a conviction or an arrest at the as-of date (selection)."""
    points = (
        f"select distinct nominal_key, date '{as_of.isoformat()}' as scoring_date "
        "from weighted_events"
    )
    scores = scored_points_sql(points, "as_of_scores", without_uplift=True).replace(
        "create or replace table as_of_scores", "create or replace temp table as_of_scores", 1
    )
    return [scores, _AS_OF_ARRESTS_SQL]


def compute_population_rrs(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """scoring.monthly_rrs (person x month end of int_months with a component > 0) and
    scoring.as_of_rrs (person x as-of date), from the same weighted events as compute_rrs.
    """
    for statement in monthly_rrs_sql():
        con.execute(statement)
    for statement in as_of_rrs_sql(as_of):
        con.execute(statement)
    for table in (
        "weighted_events",
        "month_grid",
        "monthly_runs",
        "monthly_pieces",
        "as_of_scores",
    ):
        con.execute(f"drop table if exists {table}")


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
