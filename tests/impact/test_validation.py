"""impact_evaluation against a known truth: the demo generator with IOM doing nothing
(iom_effect 1.0) and with IOM halving offending while a spell is open (0.5).

Same seed and scale for both, so the latent histories are the same and only the thinning of
managed arrests differs. Figures and what they mean: docs/impact.md, "Validation". Run alone
with `pytest -m validation`; part of the normal suite (`make test`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.demo.generator import generate_landing
from tests.pipeline import run_on

# About 40 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = [pytest.mark.validation, pytest.mark.duration(40)]

NOMINALS = 300
POPULATION = 5_000


def _evaluate(root: Path, iom_effect: float) -> dict[str, float | None]:
    generate_landing(
        root / "landing", nominals=NOMINALS, population=POPULATION, iom_effect=iom_effect
    )
    run = run_on(root / "landing", root / "data")
    assert run.outcome.success, run.outcome.failures
    rows = run.rows(
        "select metric, value from marts.impact_evaluation "
        "where section = 'impact' and breakdown = 'all'"
    )
    return dict(rows)


@pytest.fixture(scope="module")
def no_effect(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float | None]:
    return _evaluate(tmp_path_factory.mktemp("no_effect"), 1.0)


@pytest.fixture(scope="module")
def strong_effect(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float | None]:
    return _evaluate(tmp_path_factory.mktemp("strong_effect"), 0.5)


def test_naive_change_is_a_large_fall_with_or_without_an_effect(no_effect, strong_effect):
    # The generator picks people at a high: the naive figure falls whatever IOM does.
    for figures in (no_effect, strong_effect):
        assert figures["matched_spells"] >= 100
        assert figures["naive_change_pct"] < -40


def test_no_effect_the_adjustment_removes_most_of_the_naive_fall(no_effect):
    # Bound: |mean_effect| < half the naive fall. The comparison cannot see the generator's
    # 3.5x burst of arrests in the year before a nominal's entry (the population's swings
    # decay over ~a year instead), so a residual selection bias remains and the interval does
    # not cover 0 at this scale (docs/impact.md, "Validation"): the test pins that the method
    # removes the larger part of the fall and says by how much, not that it removes all.
    assert no_effect["mean_expected_change"] < 0
    assert abs(no_effect["mean_effect"]) < 0.5 * abs(no_effect["mean_observed_change"])
    assert no_effect["rtm_share_pct"] > 50
    assert no_effect["effect_ci_low"] <= no_effect["mean_effect"] <= no_effect["effect_ci_high"]


def test_strong_effect_is_clearly_negative_and_beyond_the_no_effect_run(no_effect, strong_effect):
    assert strong_effect["mean_effect"] < 0
    assert strong_effect["effect_ci_high"] < 0
    # Same latent histories: the difference between the two runs is IOM's own part (the
    # residual bias of the no-effect run is in both). Halving arrests while managed moved the
    # effect by 47 points (10.6 percentage points) at this scale; the bounds ask for at least
    # 20 points and 5 percentage points, well clear of 0 and below what was measured.
    assert strong_effect["mean_effect"] < no_effect["mean_effect"] - 20
    assert strong_effect["effect_pct"] < no_effect["effect_pct"] - 5
