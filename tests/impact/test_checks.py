"""The blocking checks on impact_evaluation, on hand-made marts that pass and that fail.

That they block publication is the table_checks step's rule for every ERROR check
(tests/quality/test_blocking_checks.py); here: that each one tells a right mart from a wrong
one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.quality.checks import RECONCILIATIONS

CHECKS = (
    "impact_matched_plus_unmatched_is_treated",
    "impact_rates_0_to_100",
    "impact_effect_is_observed_minus_expected",
)
# per breakdown: treated, matched, unmatched, reoffending treated / matched, observed,
# expected, effect, reoffending rate treated / expected
GOOD = {
    "all": (8, 3, 5, 6, 2, -30.0, -20.0, -10.0, 50.0, 42.5),
    "GENERIC": (7, 3, 4, 5, 2, -30.0, -20.0, -10.0, 50.0, 42.5),
    "DV": (1, 0, 1, 1, 0, None, None, None, None, None),
}
METRICS = (
    "treated_spells",
    "matched_spells",
    "unmatched_spells",
    "reoffending_treated_spells",
    "reoffending_matched_spells",
    "mean_observed_change",
    "mean_expected_change",
    "mean_effect",
    "reoffending_rate_treated",
    "reoffending_rate_expected",
)


def verdict(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    check = next(c for c in RECONCILIATIONS if c.name == name)
    return bool(con.execute(check.sql).fetchone()[0])


@pytest.fixture
def marts(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        "create table marts.impact_evaluation (metric varchar, breakdown varchar, value double)"
    )
    for breakdown, values in GOOD.items():
        for metric, value in zip(METRICS, values, strict=True):
            con.execute(
                "insert into marts.impact_evaluation values (?, ?, ?)", [metric, breakdown, value]
            )
    yield con
    con.close()


def test_a_consistent_mart_passes(marts: duckdb.DuckDBPyConnection) -> None:
    assert all(verdict(marts, name) for name in CHECKS)


@pytest.mark.parametrize(
    ("check", "metric", "breakdown", "value"),
    [
        ("impact_matched_plus_unmatched_is_treated", "unmatched_spells", "GENERIC", 5.0),
        ("impact_matched_plus_unmatched_is_treated", "reoffending_matched_spells", "DV", 2.0),
        ("impact_rates_0_to_100", "reoffending_rate_treated", "all", 100.5),
        ("impact_rates_0_to_100", "reoffending_rate_expected", "GENERIC", -0.1),
        ("impact_effect_is_observed_minus_expected", "mean_effect", "all", -10.01),
        ("impact_effect_is_observed_minus_expected", "mean_effect", "DV", 0.0),
    ],
)
def test_a_wrong_figure_fails_its_check(
    marts: duckdb.DuckDBPyConnection, check: str, metric: str, breakdown: str, value: float
) -> None:
    marts.execute(
        "update marts.impact_evaluation set value = ? where metric = ? and breakdown = ?",
        [value, metric, breakdown],
    )
    assert not verdict(marts, check)


def test_the_checks_are_blocking_table_checks() -> None:
    from dagster_project.definitions import defs

    specs = {
        spec.name: spec
        for checks in defs.asset_checks or []
        for spec in checks.check_specs
        if spec.asset_key.path == ["marts", "impact_evaluation"]
    }
    assert set(CHECKS) <= set(specs)
    assert all(specs[name].blocking for name in CHECKS)
