"""The not_null_columns generic test, run by dbt against DuckDB on a literal table."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.project import DBT_EXECUTABLE

# a: one null, b: two nulls, c: none.
ROWS = "(select * from (values (1, null, 3), (null, null, 4)) as t(a, b, c))"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One target folder and scratch database for the module: the second dbt call parses only
    what changed (dbt's partial parse needs the same target folder and profile)."""
    return tmp_path_factory.mktemp("not_null_columns")


def failing_rows(scratch: Path, columns: list[str]) -> list[dict[str, object]]:
    inline = f"{{{{ test_not_null_columns(model='{ROWS}', columns={columns!r}) }}}}"
    shown = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            "show",
            "--quiet",
            "--output",
            "json",
            "--inline",
            inline,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(scratch / "target"),
        ],
        env={**os.environ, "IOM_WAREHOUSE_PATH": str(scratch / "scratch.duckdb")},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(shown.stdout)["show"]


def test_each_column_with_nulls_is_named_with_its_count(scratch: Path):
    assert failing_rows(scratch, ["a", "b", "c"]) == [
        {"column_name": "a", "null_rows": 1},
        {"column_name": "b", "null_rows": 2},
    ]


def test_columns_without_nulls_pass(scratch: Path):
    assert failing_rows(scratch, ["c"]) == []
