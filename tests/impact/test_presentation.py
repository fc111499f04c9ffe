"""`iom impact`, the scorecard's Significance lines and the report section on the fixture run;
the bootstrap interval on samples whose resampling distribution is known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from dagster_project.cli import main
from dagster_project.presentation.impact import CAVEAT
from dagster_project.report.figures import significance_section
from dagster_project.report.marts import load_published
from dagster_project.scoring.impact import bootstrap_mean_ci
from tests.pipeline import PipelineRun


def test_iom_impact_prints_naive_and_adjusted_with_n_ci_and_caveat(
    impact_run: PipelineRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("IOM_DATA_DIR", str(impact_run.data_dir))
    assert main(["impact"]) == 0
    out = capsys.readouterr().out
    # naive: (-100 - 120 - 1200) / 3 = -473.3 points, / 480 = -98.6%, 3 matched spells
    assert "naive change -473.3 points (-98.6%) over 3 matched spells" in out
    # adjusted: -473.33 - (2 x -2460 / 22 - 1080) / 3 = -38.8 points, -8.1%
    assert "adjusted effect -38.8 points (-8.1%; 95% CI" in out
    assert CAVEAT in " ".join(out.split())
    assert "Reoffending rate, expected" in out


def test_scorecard_significance_shows_the_adjusted_effect_beside_the_naive(
    impact_run: PipelineRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("IOM_DATA_DIR", str(impact_run.data_dir))
    assert main(["scorecard"]) == 0
    out = capsys.readouterr().out
    significance = out[out.index("Significance") :]
    assert "naive change -473.3 points" in significance
    assert "adjusted effect -38.8 points" in significance


def test_report_section_has_the_impact_table_and_chart(impact_run: PipelineRun) -> None:
    section = significance_section(load_published(impact_run.data_dir))
    ids = [figure.id for figure in section.figures]
    assert "impact-table" in ids and "chart-impact" in ids
    assert "impact_evaluation" in section.sources
    text = " ".join(section.paragraphs)
    assert "adjusted effect -38.8 points" in text and CAVEAT in text
    table = next(f for f in section.figures if f.id == "impact-table").body
    assert table["rows"][3][:2] == ["Adjusted effect", "-38.8"]
    chart = next(f for f in section.figures if f.id == "chart-impact").body
    assert chart.startswith("<svg") and "expected change (comparison)" in chart


def test_bootstrap_interval_of_known_resampling_distributions() -> None:
    # n = 2 from {0, 1}: a resample's mean is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4, so the
    # 2.5% and 97.5% quantiles of 2,000 draws are 0 and 1
    assert bootstrap_mean_ci(np.array([0.0, 1.0])) == (0.0, 1.0)
    # every resample of a constant has that mean
    assert bootstrap_mean_ci(np.array([-7.5] * 10)) == (-7.5, -7.5)
    assert bootstrap_mean_ci(np.array([])) is None
    # seeded: the same interval twice
    sample = np.arange(50, dtype=float)
    assert bootstrap_mean_ci(sample) == bootstrap_mean_ci(sample)
