"""On the default demo data the scorecard lands in the ranges of the published Figure A.

Ranges are wide on purpose: the demo data is synthetic, drawn to resemble the March 2019
appendix, not to reproduce it. docs/figure-a-comparison.md shows the figures side by side.
"""

import pytest

from tests.pipeline import PipelineRun

# (section, metric, breakdown): published value, lowest and highest accepted
FIGURE_A = {
    ("Process", "unique_nominals", "all"): (484, 440, 530),
    ("Process", "on_iom_nominals", "all"): (282, 220, 340),
    ("Process", "exited_nominals", "all"): (229, 170, 290),
    ("Process", "successful_exit_pct", "all"): (44.8, 30, 60),
    ("Recidivism", "reentered_nominals", "all"): (26, 10, 50),
    ("Recidivism", "reentered_pct", "all"): (5.2, 2, 10),
    ("Entry", "mean_entry_score", "all"): (340.5, 220, 460),
    ("Mid", "cohort_size", "2016"): (133, 90, 180),
    ("Mid", "cohort_size", "2017"): (156, 110, 200),
    ("Mid", "cohort_size", "2018"): (179, 130, 230),
    ("Mid", "cohort_mean_mid_score", "2016"): (149.8, 80, 230),
    ("Mid", "cohort_mean_mid_score", "2017"): (175.5, 100, 260),
    ("Mid", "cohort_mean_mid_score", "2018"): (173.7, 100, 260),
    ("Mid", "cohort_mid_variance_pct", "2016"): (-56.8, -80, -30),
    ("Mid", "cohort_mid_variance_pct", "2017"): (-53.9, -80, -30),
    ("Mid", "cohort_mid_variance_pct", "2018"): (-34.4, -60, -10),
    ("Exit", "mean_exit_score", "all"): (85.8, 40, 150),
    ("Exit", "exit_variance_pct", "all"): (-74.8, -90, -50),
    ("Reduction", "mean_reduction", "all"): (-229.7, -350, -120),
    ("Reduction", "mean_reduction_rate", "all"): (-24.4, -50, -8),
}
MODE_BANDS = [
    ("Entry", "mode_entry_band", "all"),
    ("Exit", "mode_exit_band", "all"),
    ("Mid", "cohort_mode_mid_band", "2016"),
    ("Mid", "cohort_mode_mid_band", "2017"),
    ("Mid", "cohort_mode_mid_band", "2018"),
]


@pytest.fixture(scope="module")
def card(demo_run: PipelineRun) -> dict[tuple[str, str, str], dict]:
    rows = demo_run.dicts("select * from marts.scorecard")
    return {(r["section"], r["metric"], r["breakdown"]): r for r in rows}


@pytest.mark.parametrize("key", FIGURE_A, ids=lambda k: f"{k[1]}-{k[2]}")
def test_demo_scorecard_in_figure_a_range(card: dict, key: tuple[str, str, str]) -> None:
    _, low, high = FIGURE_A[key]
    assert low <= card[key]["value"] <= high


@pytest.mark.parametrize("key", MODE_BANDS, ids=lambda k: f"{k[1]}-{k[2]}")
def test_demo_mode_bands_are_0_100_as_published(card: dict, key: tuple[str, str, str]) -> None:
    assert card[key]["value_label"] == "0-100"


def test_demo_exit_fall_is_significant(card: dict) -> None:
    # the published claim, now with a test behind it
    assert card[("Significance", "exit_wilcoxon_p", "all")]["value"] < 0.05
    assert card[("Significance", "exit_hl_ci_high", "all")]["value"] < 0
