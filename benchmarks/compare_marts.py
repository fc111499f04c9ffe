"""Compare the published marts of two analytics.duckdb files, table by table.

Usage: python benchmarks/compare_marts.py BEFORE.duckdb AFTER.duckdb [--allow METRIC ...]

Every table of schema marts must have the same columns (names, order, types) and the same
rows in both files (``except all`` both ways, so duplicates count). The scorecard rows of the
metrics named with --allow may differ (a deliberate change); they are printed side by side.
check_results is compared without its run id and timestamp. Exit status 1 on any other
difference.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

VOLATILE = {"check_results": ("run_id", "checked_at")}


def columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'marts' and table_name = ? "
        "order by ordinal_position",
        [db, table],
    ).fetchall()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument(
        "--allow", nargs="*", default=[], help="scorecard metrics allowed to differ"
    )
    args = parser.parse_args()
    con = duckdb.connect()
    con.execute(f"attach '{args.before}' as a (read_only)")
    con.execute(f"attach '{args.after}' as b (read_only)")
    tables = {
        db: {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = ? and table_schema = 'marts'",
                [db],
            ).fetchall()
        }
        for db in ("a", "b")
    }
    problems: list[str] = []
    if tables["a"] != tables["b"]:
        problems.append(
            f"tables differ: only before {tables['a'] - tables['b']}, "
            f"only after {tables['b'] - tables['a']}"
        )
    for table in sorted(tables["a"] & tables["b"]):
        cols_a, cols_b = columns(con, "a", table), columns(con, "b", table)
        if cols_a != cols_b:
            problems.append(f"{table}: columns differ\n  before {cols_a}\n  after  {cols_b}")
            continue
        kept = [c for c, _ in cols_a if c not in VOLATILE.get(table, ())]
        select = ", ".join(f'"{c}"' for c in kept)
        where = ""
        if table == "scorecard" and args.allow:
            where = "where metric not in (" + ", ".join(repr(m) for m in args.allow) + ")"
        counts = [
            con.execute(f"select count(*) from {db}.marts.{table} {where}").fetchone()[0]
            for db in ("a", "b")
        ]
        only_a = con.execute(
            f"select count(*) from (select {select} from a.marts.{table} {where} "
            f"except all select {select} from b.marts.{table} {where})"
        ).fetchone()[0]
        only_b = con.execute(
            f"select count(*) from (select {select} from b.marts.{table} {where} "
            f"except all select {select} from a.marts.{table} {where})"
        ).fetchone()[0]
        status = "identical" if counts[0] == counts[1] and not only_a and not only_b else "DIFFER"
        print(
            f"{table:28} rows {counts[0]:>6} / {counts[1]:>6}  "
            f"only-before {only_a}  only-after {only_b}  {status}"
        )
        if status != "identical":
            problems.append(f"{table}: {only_a} rows only before, {only_b} only after")
    if args.allow:
        print("allowed to differ (before | after):")
        rows = con.execute(
            "select a.metric, a.breakdown, a.value, a.numerator, a.denominator, "
            "b.value, b.numerator, b.denominator from a.marts.scorecard as a "
            "full join b.marts.scorecard as b using (section, metric, breakdown) "
            "where metric in (" + ", ".join(repr(m) for m in args.allow) + ") order by 1, 2"
        ).fetchall()
        for row in rows:
            print("  ", row)
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
