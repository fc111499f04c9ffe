"""The nulls_and_keys generic test, run by dbt against DuckDB on a literal table."""

from __future__ import annotations

import json

import pytest

from tests.dbt_cli import run_dbt

# a: one null, a = 1 twice. b: two nulls. c: none, c = 4 twice. (a, c) pairs: (1, 3) and
# (1, 4), and one left out for its null.
ROWS = "(select * from (values (1, null, 3), (null, null, 4), (1, 5, 4)) as t(a, b, c))"


# Each case: the columns that must not be null, and the keys (lists of columns) that must be unique.
CASES = {
    "single_and_composite": (["a", "b", "c"], [["a"], ["c"], ["a", "c"]]),
    # (a, b): every row but one has a null b, so nothing is left to repeat.
    "composite_with_nulls": (["c"], [["a", "c"], ["a", "b"]]),
}


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """Every case's failure rows, from one `dbt show` of all the cases (one dbt process)."""
    scratch = tmp_path_factory.mktemp("nulls_and_keys")
    inline = " union all ".join(
        f"select '{case}' as case_name, * from ("
        f"{{{{ test_nulls_and_keys(model='{ROWS}', columns={columns!r}, keys={keys!r}) }}}})"
        for case, (columns, keys) in CASES.items()
    )
    shown = run_dbt(
        "show",
        "--quiet",
        "--output",
        "json",
        "--limit",
        "100",
        "--inline",
        inline,
        warehouse=scratch / "scratch.duckdb",
        target=scratch / "target",
    )
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    by_case: dict[str, list[tuple]] = {case: [] for case in CASES}
    for row in json.loads(shown.stdout)["show"]:
        by_case[row["case_name"]].append((row["rule"], row["checked_columns"], row["failing"]))
    return {case: sorted(rows) for case, rows in by_case.items()}


def test_each_column_with_nulls_and_each_duplicated_key_is_named_with_its_count(
    failures: dict[str, list[tuple]],
):
    assert failures["single_and_composite"] == [
        ("not null", "a", 1),
        ("not null", "b", 2),
        ("unique", "a", 1),  # the value 1; the null is the not-null rule's
        ("unique", "c", 1),  # the value 4
    ]


def test_a_composite_key_is_unique_when_no_two_rows_share_all_its_columns(
    failures: dict[str, list[tuple]],
):
    assert failures["composite_with_nulls"] == []
