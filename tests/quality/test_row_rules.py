"""The row_rules generic test, run by dbt against DuckDB on a literal table."""

from __future__ import annotations

import json

import pytest

from tests.dbt_cli import run_dbt

# a: one null, a = 1 twice. b: two nulls. c: none, c = 4 twice. (a, c) pairs: (1, 3) and
# (1, 4), and one left out for its null.
ROWS = "(select * from (values (1, null, 3), (null, null, 4), (1, 5, 4)) as t(a, b, c))"


# The relation the references point at: id 5 and 6.
PARENT = "(select * from (values (5), (6)) as p(id))"

# Each case: the columns that must not be null, the keys (lists of columns) that must be
# unique, each column's accepted values, and each column's reference (relation and field).
CASES = {
    "single_and_composite": (["a", "b", "c"], [["a"], ["c"], ["a", "c"]], {}, {}),
    # (a, b): every row but one has a null b, so nothing is left to repeat.
    "composite_with_nulls": (["c"], [["a", "c"], ["a", "b"]], {}, {}),
    # a: 1, null, 1, all accepted (a null is the not-null rule's). c: 3, 4, 4, two outside.
    # b: null, null, 5, all found. c: 3, 4, 4, none found.
    "values_and_references": (
        [],
        [],
        {"a": [1], "c": [3]},
        {"b": {"to": PARENT, "field": "id"}, "c": {"to": PARENT, "field": "id"}},
    ),
}


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """Every case's failure rows, from one `dbt show` of all the cases (one dbt process)."""
    scratch = tmp_path_factory.mktemp("row_rules")
    inline = " union all ".join(
        f"select '{case}' as case_name, * from ("
        f"{{{{ test_row_rules(model='{ROWS}', columns={columns!r}, keys={keys!r}, "
        f"accepted_values={accepted!r}, references={references!r}) }}}})"
        for case, (columns, keys, accepted, references) in CASES.items()
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


def test_each_value_outside_the_accepted_and_each_value_not_found_is_counted_by_row(
    failures: dict[str, list[tuple]],
):
    assert failures["values_and_references"] == [
        ("accepted values", "c", 2),  # the two rows of 4
        ("references", "c", 3),  # 3, 4 and 4: no id of the parent
    ]
