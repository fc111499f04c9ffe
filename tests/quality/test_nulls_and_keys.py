"""The nulls_and_keys generic test, run by dbt against DuckDB on a literal table."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.project import DBT_EXECUTABLE

# a: one null, a = 1 twice. b: two nulls. c: none, c = 4 twice. (a, c) pairs: (1, 3) and
# (1, 4), and one left out for its null.
ROWS = "(select * from (values (1, null, 3), (null, null, 4), (1, 5, 4)) as t(a, b, c))"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One target folder and scratch database for the module: the later dbt calls parse only
    what changed (dbt's partial parse needs the same target folder and profile)."""
    return tmp_path_factory.mktemp("nulls_and_keys")


def failures(scratch: Path, columns: list[str], keys: list[list[str]]) -> list[tuple]:
    inline = f"{{{{ test_nulls_and_keys(model='{ROWS}', columns={columns!r}, keys={keys!r}) }}}}"
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
    rows = json.loads(shown.stdout)["show"]
    return sorted((r["rule"], r["checked_columns"], r["failing"]) for r in rows)


def test_each_column_with_nulls_and_each_duplicated_key_is_named_with_its_count(scratch: Path):
    assert failures(scratch, ["a", "b", "c"], [["a"], ["c"], ["a", "c"]]) == [
        ("not null", "a", 1),
        ("not null", "b", 2),
        ("unique", "a", 1),  # the value 1; the null is the not-null rule's
        ("unique", "c", 1),  # the value 4
    ]


def test_a_composite_key_is_unique_when_no_two_rows_share_all_its_columns(scratch: Path):
    # (a, b): every row but one has a null b, so nothing is left to repeat.
    assert failures(scratch, ["c"], [["a", "c"], ["a", "b"]]) == []
