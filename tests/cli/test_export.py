"""`iom sql --format`, `iom export` and the Parquet copies keep each value's type."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from tests.cli.published import iom, publish

COHORT_SQL = "select * from cohort_monthly order by scheme"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("export") / "data"
    publish(data_dir, date(2019, 3, 31), nominals=10)
    return data_dir


def served_rows(data_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "analytics.duckdb"), read_only=True)
    try:
        con.execute("use marts")
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("fmt,reader", [("csv", "read_csv"), ("json", "read_json")])
def test_csv_and_json_round_trip_through_duckdb(
    published: Path, tmp_path: Path, fmt: str, reader: str
) -> None:
    out = tmp_path / f"cohort.{fmt}"
    result = iom(published, "sql", COHORT_SQL, "--format", fmt, "--output", str(out))
    assert result.returncode == 0, result.stderr
    back = duckdb.sql(f"select * from {reader}('{out}') order by scheme").fetchall()
    expected = served_rows(published, COHORT_SQL)
    # 3 rows: ALL 10 live, GENERIC 10 - 3 = 7, DV 3; month_end comes back as a DATE
    assert [r[2] for r in expected] == [10, 3, 7]
    assert back == expected
    assert isinstance(back[0][0], date)


def test_csv_to_the_terminal(published: Path) -> None:
    result = iom(
        published, "sql", "select metric, value from scorecard order by metric", "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "metric,value",
        "successful_exit_pct,50.0",
        "unique_nominals,10.0",
    ]


def test_xlsx_query_needs_an_output_file(published: Path) -> None:
    result = iom(published, "sql", COHORT_SQL, "--format", "xlsx")
    assert result.returncode == 2
    assert "--output" in result.stderr


def test_export_workbook_sheets_headers_and_types(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "marts.xlsx"
    result = iom(published, "export", "--output", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    assert book.sheetnames == [
        "README",
        "cohort_monthly",
        "nominal_scores",
        "release_forecast",
        "scorecard",
    ]
    cohort = list(book["cohort_monthly"].iter_rows(values_only=True))
    assert cohort[0][:3] == ("month_end", "scheme", "live_cohort")
    assert len(cohort) == 1 + 3
    first = book["cohort_monthly"]["A2"]
    assert first.is_date and first.value == datetime(2019, 3, 31)
    # integers stay numbers: live_cohort and the HUGEINT sum (20 + 30 = 50 for spell 1)
    assert {row[2] for row in cohort[1:]} == {10, 7, 3}
    assert all(isinstance(row[2], int) for row in cohort[1:])
    scores = list(book["nominal_scores"].iter_rows(values_only=True))
    assert scores[0] == ("spell_id", "entry_score", "mean_weight")
    assert scores[1] == (1, 50, 25.0)
    readme = dict(book["README"].iter_rows(min_row=2, values_only=True))
    version = (published / "marts").resolve().parent.name
    assert readme["version"] == version
    assert readme["as_of"] == datetime(2019, 3, 31)
    assert (readme["checks_passed"], readme["checks_warned"], readme["checks_failed"]) == (3, 1, 0)
    assert readme["rows in cohort_monthly"] == 3


def test_export_refuses_other_suffixes(published: Path, tmp_path: Path) -> None:
    result = iom(published, "export", "--output", str(tmp_path / "marts.csv"))
    assert result.returncode == 2
    assert "ending in .xlsx" in result.stderr


def test_parquet_keeps_integers_integers(published: Path) -> None:
    parquet = published / "marts" / "nominal_scores.parquet"
    types = dict(
        duckdb.sql(f"select column_name, column_type from (describe '{parquet}')").fetchall()
    )
    # the mart's HUGEINT sum is BIGINT in Parquet, not the writer's DOUBLE fallback
    assert types == {"spell_id": "INTEGER", "entry_score": "BIGINT", "mean_weight": "DOUBLE"}
    assert duckdb.sql(f"select entry_score from '{parquet}' order by spell_id").fetchall() == [
        (50,),
        (40,),
    ]
