"""scoring.monthly_rrs against the definition: the one-query baseline and a per-person Python
recomputation, on synthetic events that include 29 February and the window edges."""

from __future__ import annotations

import calendar
from datetime import date

import duckdb

from benchmarks.population import BASELINE_SQL, build_inputs
from dagster_project.scoring.rrs import MONTHLY_RRS_TABLE, compute_population_rrs
from tests.scoring.test_rrs_properties import months_back

AS_OF = date(2019, 3, 31)


def month_ends(first: date, last: date) -> list[date]:
    out, year, month = [], first.year, first.month
    while date(year, month, 1) <= last:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end <= last:
            out.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_monthly_rrs_equals_the_definition() -> None:
    con = duckdb.connect()
    try:
        build_inputs(con, people=300, events=9000, as_of=AS_OF)
        compute_population_rrs(con, AS_OF)
        con.execute(f"create temp table baseline as {BASELINE_SQL.read_text()}")
        # The asset also scores the month end before M (impact_evaluation's earliest
        # baselines); the one-query definition covers M only, so compare on M.
        in_m = (
            "month_end in (select month_end from intermediate.int_months where is_month_complete)"
        )
        con.execute(
            f"create temp table scored_in_m as select * from {MONTHLY_RRS_TABLE} where {in_m}"
        )
        differing = con.execute(
            "select count(*) from ((select * from scored_in_m except all "
            "select * from baseline) union all (select * from baseline except all "
            "select * from scored_in_m))"
        ).fetchone()[0]
        assert differing == 0
        outside = con.execute(
            f"select distinct month_end from {MONTHLY_RRS_TABLE} where not ({in_m})"
        ).fetchall()
        first_month = con.execute(
            "select min(month_start) from intermediate.int_months"
        ).fetchone()[0]
        # only the last day of the month before M's first month
        assert [m for (m,) in outside] in ([], [date.fromordinal(first_month.toordinal() - 1)])
        # Python, one person: the newest version's components at every month end of M
        who = con.execute("select min(nominal_key) from staging.stg_arrests").fetchone()[0]
        weights = {
            code: (weight, uplift)
            for code, weight, uplift in con.execute(
                "select offence_code, weight, weapon_uplift from reference.offence_weights "
                "where matrix_version = 2"
            ).fetchall()
        }
        events = [
            (kind, code, weapon, day)
            for kind, table, column in (
                ("conviction", "stg_convictions", "conviction_date"),
                ("arrest", "stg_arrests", "arrest_date"),
            )
            for code, weapon, day in con.execute(
                f"select offence_code, is_weapon_enabled, {column} from staging.{table} "
                "where nominal_key = ?",
                [who],
            ).fetchall()
        ]
        stored = {
            m: (c, a)
            for m, c, a in con.execute(
                f"select month_end, conviction_weight_lfl, arrest_weight_lfl "
                f"from {MONTHLY_RRS_TABLE} where nominal_key = ?",
                [who],
            ).fetchall()
        }
    finally:
        con.close()
    expected = {}
    # M, and the month end before it that the asset also scores (impact baselines)
    for m in [date(2011, 12, 31), *month_ends(date(2012, 1, 1), AS_OF)]:
        c = a = 0
        for kind, code, weapon, day in events:
            weight, uplift = weights[code]
            months = 60 if kind == "conviction" else 12
            if months_back(m, months) < day <= m:
                if kind == "conviction":
                    c += weight + (uplift if weapon else 0)
                else:
                    a += weight + (uplift if weapon else 0)
        if c or a:
            expected[m] = (c, a)
    assert stored == expected
