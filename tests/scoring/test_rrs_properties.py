"""The vectorised RRS agrees with a naive per-event Python reading of metrics.md."""

import calendar
import csv
from datetime import date, timedelta

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.scoring.rrs import compute_rrs
from dagster_project.settings import REPO_ROOT, SEEDS_DIR

MATRIX = [
    {
        "version": int(row["matrix_version"]),
        "valid_from": date.fromisoformat(row["valid_from"]),
        "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
        "code": row["offence_code"],
        "weight": int(row["weight"]),
        "uplift": int(row["weapon_uplift"]),
    }
    for row in csv.DictReader((SEEDS_DIR / "offence_weights.csv").open())
]
CODES = sorted({row["code"] for row in MATRIX})
NEWEST = max(row["version"] for row in MATRIX)
BASELINE_SQL = (REPO_ROOT / "benchmarks" / "rrs_baseline.sql").read_text()


def months_back(day: date, months: int) -> date:
    """Calendar months back, clamped to the month end (29 Feb - 12 months = 28 Feb)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def weight(version: int, code: str, weapon: bool) -> int:
    row = next(r for r in MATRIX if r["version"] == version and r["code"] == code)
    return row["weight"] + (row["uplift"] if weapon else 0)


def in_force(day: date) -> int | None:
    for row in MATRIX:
        if row["valid_from"] <= day and (row["valid_to"] is None or day < row["valid_to"]):
            return row["version"]
    return None


def naive_score(events: list[tuple], nominal: str, day: date, version: int) -> tuple[int, int]:
    conviction_start, arrest_start = months_back(day, 60), months_back(day, 12)
    c = a = 0
    for kind, who, code, on, weapon in events:
        if who != nominal or on > day:
            continue
        if kind == "conviction" and on > conviction_start:
            c += weight(version, code, weapon)
        if kind == "arrest" and on > arrest_start:
            a += weight(version, code, weapon)
    return c, a


def warehouse_with(events: list[tuple], points: set[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in ("staging", "intermediate", "reference"):
        con.execute(f"create schema {schema}")
    con.execute(
        "create table reference.offence_weights as select * from read_csv(?, header = true, "
        "columns = {'matrix_version': 'integer', 'valid_from': 'date', 'valid_to': 'date', "
        "'offence_code': 'varchar', 'offence_group': 'varchar', 'weight': 'integer', "
        "'weapon_uplift': 'integer', 'neighbourhood_crime': 'varchar'})",
        [str(SEEDS_DIR / "offence_weights.csv")],
    )
    for kind in ("conviction", "arrest"):
        con.execute(
            f"create table staging.stg_{kind}s ({kind}_id varchar, nominal_key varchar, "
            f"offence_code varchar, is_weapon_enabled boolean, {kind}_date date)"
        )
        rows = [
            (f"E{i}", who, code, weapon, on)
            for i, (k, who, code, on, weapon) in enumerate(events)
            if k == kind
        ]
        if rows:
            con.executemany(f"insert into staging.stg_{kind}s values (?, ?, ?, ?, ?)", rows)
    con.execute(
        "create table intermediate.int_scoring_points (nominal_key varchar, scoring_date date)"
    )
    con.executemany("insert into intermediate.int_scoring_points values (?, ?)", sorted(points))
    return con


days = st.integers(min_value=0, max_value=365 * 9).map(lambda n: date(2012, 1, 1) + timedelta(n))
nominals = st.sampled_from(["n1", "n2", "n3"])
events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["conviction", "arrest"]),
        nominals,
        st.sampled_from(CODES),
        days,
        st.booleans(),
    ),
    max_size=25,
)
# scoring dates include month ends and 29 Feb, where calendar arithmetic clamps
scoring_days = st.one_of(
    days,
    st.sampled_from([date(2016, 2, 29), date(2018, 3, 31), date(2018, 4, 1), date(2019, 3, 31)]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=events_strategy,
    points=st.sets(st.tuples(nominals, scoring_days), min_size=1, max_size=12),
)
def test_vectorised_rrs_equals_naive_per_event_reference(events: list[tuple], points: set) -> None:
    con = warehouse_with(events, points)
    compute_rrs(con)
    scored = con.execute(
        "select nominal_key, scoring_date, matrix_version, conviction_weight, arrest_weight, rrs, "
        "lfl_matrix_version, conviction_weight_lfl, arrest_weight_lfl, rrs_lfl "
        "from scoring.rrs_scores"
    ).fetchall()
    # the benchmark's hand-written single query must be the same definition
    baseline = con.execute(BASELINE_SQL).fetchall()
    con.close()
    assert sorted(baseline) == sorted(scored)
    assert len(scored) == len(points)
    for nominal, day, version, c, a, rrs, lfl_version, c_lfl, a_lfl, rrs_lfl in scored:
        expected_version = in_force(day)
        assert version == expected_version
        if expected_version is None:
            assert (c, a, rrs) == (None, None, None)
        else:
            expected_c, expected_a = naive_score(events, nominal, day, expected_version)
            assert (c, a, rrs) == (expected_c, expected_a, expected_c * expected_a)
        expected_c, expected_a = naive_score(events, nominal, day, NEWEST)
        assert lfl_version == NEWEST
        assert (c_lfl, a_lfl, rrs_lfl) == (expected_c, expected_a, expected_c * expected_a)
