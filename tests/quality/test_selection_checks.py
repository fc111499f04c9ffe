"""The SQL checks of the population marts on hand-made tables: passing, then each broken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.definitions import defs
from tests.quality.test_reconciliations import verdict


@pytest.fixture
def marts(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for schema in ("marts", "staging", "intermediate"):
        con.execute(f"create schema {schema}")
    con.execute(
        """
        create table marts.selection_candidates as select * from (values
            (1, 'a', 200, 25, 8), (2, 'b', 200, 20, 10), (3, 'c', 150, 15, 10)
        ) t(rank, nominal_key, rrs, conviction_weight, arrest_weight)
        """
    )
    con.execute(
        "create table intermediate.int_spells as select * from (values "
        "('z', true), ('a', false)) t(nominal_key, is_open)"
    )
    con.execute(
        """
        create table marts.monthly_scores as select * from (values
            (date '2019-01-31', 'a', 5, 0, 0), (date '2019-02-28', 'a', 5, 2, 10),
            (date '2019-02-28', 'b', 0, 0, 0)
        ) t(month_end, nominal_key, conviction_weight, arrest_weight, rrs)
        """
    )
    # b's row exists for its like-for-like arrest weight
    con.execute(
        """
        create table staging.stg_monthly_rrs as select * from (values
            (date '2019-01-31', 'a', 5, 0), (date '2019-02-28', 'a', 5, 2),
            (date '2019-02-28', 'b', 0, 3)
        ) t(month_end, nominal_key, conviction_weight_lfl, arrest_weight_lfl)
        """
    )
    con.execute(
        "create table marts.selection_monthly as select * from (values "
        "(date '2019-02-28', 3, 1, 1, 2), (date '2019-03-31', 2, null, null, null)) "
        "t(month_end, eligible, entered_next_month, entered_below_threshold, entries_next_month)"
    )
    yield con
    con.close()


CHECKS = [
    "selection_key_unique",
    "selection_ranks_1_to_n",
    "selection_rrs_at_or_over_threshold",
    "selection_no_open_spell",
    "monthly_scores_key_unique",
    "monthly_scores_only_with_a_component",
    "selection_monthly_entries_add_up",
]


def test_consistent_marts_pass(marts: duckdb.DuckDBPyConnection) -> None:
    assert {name: verdict(marts, name)[0] for name in CHECKS} == dict.fromkeys(CHECKS, True)


def test_each_breach_is_caught(marts: duckdb.DuckDBPyConnection) -> None:
    marts.execute("update marts.selection_candidates set rank = 3 where nominal_key = 'b'")
    marts.execute("insert into marts.selection_candidates values (4, 'z', 149, 149, 1)")
    marts.execute("insert into marts.selection_candidates values (5, 'z', 149, 149, 1)")
    marts.execute("insert into marts.monthly_scores values (date '2019-03-31', 'c', 0, 0, 0)")
    marts.execute("update marts.monthly_scores set rrs = 9 where arrest_weight = 2")
    marts.execute("update marts.selection_monthly set entries_next_month = 1")
    assert verdict(marts, "selection_key_unique") == (False, "1 duplicate people")
    assert verdict(marts, "selection_ranks_1_to_n")[0] is False
    assert verdict(marts, "selection_rrs_at_or_over_threshold") == (
        False,
        "2 candidates below the threshold",
    )
    assert verdict(marts, "selection_no_open_spell") == (False, "2 candidates with an open spell")
    assert verdict(marts, "monthly_scores_only_with_a_component") == (
        False,
        "2 rows without a component or with rrs <> C x A",
    )
    assert verdict(marts, "selection_monthly_entries_add_up") == (
        False,
        "2 month ends with inconsistent entry counts",
    )


def test_the_checks_are_asset_checks_and_block_publication() -> None:
    graph = defs.resolve_asset_graph()
    blocking = {
        (k.asset_key.to_user_string(), k.name): graph.get(k).blocking
        for k in graph.asset_check_keys
    }
    # leaf marts: blocking in Dagster's sense; monthly_scores feeds selection_monthly, so its
    # checks stop publication through the failing check step (quality/checks.py)
    assert blocking[("marts/selection_candidates", "selection_ranks_1_to_n")] is True
    assert blocking[("marts/selection_monthly", "selection_monthly_entries_add_up")] is True
    assert ("marts/monthly_scores", "monthly_scores_only_with_a_component") in blocking
