"""Every scorecard figure on ten spells worked out by hand (as of 2019-03-31).

Scores are built from BURGLARY convictions (5 each, in every 5-year window used) and
SHOPLIFTING arrests (1 each), so rrs = 5 x convictions x arrests in the last 12 months:

| spell | nominal | entry .. exit | entry | mid (date) | exit/latest |
|---|---|---|---|---|---|
| S01 | N01 (C=50) | 2016-01-01 .. 2017-01-01 SUCCESSFUL | 150 | 200 (2016-07-02) | 50 |
| S02 | N02 (C=20) | 2016-03-01 .. 2017-03-01 DESELECTED | 40 | 40 (2016-08-30) | 0 |
| S03 | N03 (C=10) | 2016-06-01 .. open | 250 | 0 (2017-10-30) | 0 |
| S04 | N04 (C=5) | 2017-01-01 .. 2017-01-20 SUCCESSFUL | 5 | 5 (2017-01-10) | 5 |
| S05 | N05 (C=30) | 2017-02-01 .. 2018-02-01 SUCCESSFUL | 120 | 120 (2017-08-02) | 0 |
| S06 | N05, DV | 2018-02-01 .. open (same-day move) | 0 | 30 (2018-08-31) | 30 |
| S07 | N06 (C=15) | 2016-05-01 .. 2017-05-01 OTHER | 120 | 120 (2016-10-30) | 0 |
| S08 | N06 | 2018-01-01 .. open (re-entry) | 150 | 150 (2018-08-16) | 0 |
| S09 | N07 (C=40), DV | 2018-03-01 .. 2018-09-01 WASHOUT | 360 | 360 (2018-06-01) | 360 |
| S10 | N08 (C=5) | 2018-06-01 .. open, no arrests | 0 | 0 (2018-10-30) | 0 |
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from dagster_project.settings import REPO_ROOT
from tests.landing import custody, event, spell, write_landing
from tests.pipeline import PipelineRun, run_on

AS_OF = "2019-03-31"


def convictions(nominal: str, count: int) -> list[dict]:
    return [
        event("conviction", f"C-{nominal}-{i}", nominal, "BURGLARY", "2015-02-01")
        for i in range(count)
    ]


def arrests(nominal: str, on: str, count: int) -> list[dict]:
    return [
        event("arrest", f"A-{nominal}-{on}-{i}", nominal, "SHOPLIFTING", on) for i in range(count)
    ]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root: Path = tmp_path_factory.mktemp("scorecard")
    landing = write_landing(
        root / "landing",
        {
            "iom_register": [
                spell("S01", "N01", "2016-01-01", "2017-01-01", "SUCCESSFUL"),
                spell("S02", "N02", "2016-03-01", "2017-03-01", "DESELECTED"),
                spell("S03", "N03", "2016-06-01"),
                spell("S04", "N04", "2017-01-01", "2017-01-20", "SUCCESSFUL"),
                spell("S05", "N05", "2017-02-01", "2018-02-01", "SUCCESSFUL"),
                spell("S06", "N05", "2018-02-01", scheme="DV"),
                spell("S07", "N06", "2016-05-01", "2017-05-01", "OTHER"),
                spell("S08", "N06", "2018-01-01"),
                spell("S09", "N07", "2018-03-01", "2018-09-01", "WASHOUT", scheme="DV"),
                spell("S10", "N08", "2018-06-01"),
            ],
            "convictions": [
                *convictions("N01", 10),
                *convictions("N02", 4),
                *convictions("N03", 2),
                *convictions("N04", 1),
                *convictions("N05", 6),
                *convictions("N06", 3),
                *convictions("N07", 8),
                *convictions("N08", 1),
            ],
            "arrests": [
                *arrests("N01", "2015-12-15", 3),
                *arrests("N01", "2016-03-01", 1),
                *arrests("N02", "2016-02-01", 2),
                *arrests("N03", "2016-05-01", 25),
                *arrests("N04", "2016-12-01", 1),
                *arrests("N05", "2017-01-15", 4),
                *arrests("N05", "2018-06-01", 1),
                *arrests("N06", "2016-04-01", 8),
                *arrests("N06", "2017-12-01", 10),
                *arrests("N07", "2018-02-01", 9),
            ],
            # N02 in custody 2016-04-01 .. 2017-01-01: 275 of the spell's 365 days
            "custody_episodes": [
                custody("K1", "N02", "2016-04-01", 300, "2016-12-01", "2017-01-01")
            ],
        },
    )
    result = run_on(landing, root / "data")
    assert result.outcome.success, result.outcome.failures
    return result


@pytest.fixture(scope="module")
def card(run: PipelineRun) -> dict[tuple[str, str, str], dict]:
    rows = run.dicts("select * from marts.scorecard")
    return {(r["section"], r["metric"], r["breakdown"]): r for r in rows}


def figure(card: dict, section: str, metric: str, breakdown: str = "all") -> tuple:
    row = card[(section, metric, breakdown)]
    return row["value"], row["numerator"], row["denominator"]


def test_nominal_scores_per_spell(run: PipelineRun) -> None:
    rows = {
        r["spell_id"]: r
        for r in run.dicts(
            "select spell_id, entry_score, mid_score, exit_score, latest_score, mid_date, "
            "entry_band, mid_band, exit_band, reduction, months_on_iom, reduction_rate, "
            "days_at_liberty from marts.nominal_scores"
        )
    }
    scores = {
        k: (v["entry_score"], v["mid_score"], v["exit_score"], v["latest_score"])
        for k, v in rows.items()
    }
    assert scores == {
        "S01": (150, 200, 50, 50),
        "S02": (40, 40, 0, 0),
        "S03": (250, 0, None, 0),
        "S04": (5, 5, 5, 5),
        "S05": (120, 120, 0, 0),
        "S06": (0, 30, None, 30),
        "S07": (120, 120, 0, 0),
        "S08": (150, 150, None, 0),
        "S09": (360, 360, 360, 360),
        "S10": (0, 0, None, 0),
    }
    assert str(rows["S03"]["mid_date"]) == "2017-10-30"
    assert (rows["S01"]["entry_band"], rows["S01"]["mid_band"], rows["S01"]["exit_band"]) == (
        "100-200",
        "200-300",
        "0-100",
    )
    assert rows["S04"]["months_on_iom"] == pytest.approx(19 / 30.4375)
    assert rows["S04"]["reduction_rate"] is None  # under one month on IOM
    assert rows["S01"]["reduction_rate"] == pytest.approx(-100 / (366 / 30.4375))
    assert rows["S03"]["months_on_iom"] is None  # open
    assert rows["S02"]["days_at_liberty"] == 365 - 275
    assert rows["S03"]["days_at_liberty"] == 1033


def test_process_and_recidivism(card: dict) -> None:
    assert figure(card, "Process", "unique_nominals") == (8, 8, None)
    assert figure(card, "Process", "on_iom_nominals") == (4, 4, None)  # N03, N05, N06, N08
    assert figure(card, "Process", "exited_nominals") == (4, 4, None)  # N01, N02, N04, N07
    assert figure(card, "Process", "successful_exit_pct") == (50.0, 3, 6)
    # N06 re-entered; N05's same-day move to DV is not a re-entry
    assert figure(card, "Recidivism", "reentered_nominals") == (1, 1, None)
    assert figure(card, "Recidivism", "reentered_pct") == (12.5, 1, 8)


def test_entry_mean_and_mode_band_tie_goes_to_lowest(card: dict) -> None:
    assert figure(card, "Entry", "mean_entry_score") == (119.5, None, 10)
    # bands 0-100: S02, S04, S06, S10; 100-200: S01, S05, S07, S08 -> tie, lowest wins
    row = card[("Entry", "mode_entry_band", "all")]
    assert (row["value_label"], row["numerator"], row["denominator"]) == ("0-100", 4, 10)


def test_mid_by_cohort(card: dict) -> None:
    expected = {
        # year: size, mean mid, mean entry, mode band, count in band
        "2016": (4, 90.0, 140.0, "0-100", 2),
        "2017": (2, 62.5, 62.5, "0-100", 1),  # 5 and 120: a tie between bands 0 and 1
        "2018": (4, 135.0, 127.5, "0-100", 2),
    }
    for year, (size, mid, entry, band, in_band) in expected.items():
        assert figure(card, "Mid", "cohort_size", year)[0] == size
        assert figure(card, "Mid", "cohort_mean_mid_score", year)[0] == mid
        assert figure(card, "Mid", "cohort_mean_entry_score", year)[0] == entry
        assert figure(card, "Mid", "cohort_mid_variance", year)[0] == mid - entry
        value, numerator, denominator = figure(card, "Mid", "cohort_mid_variance_pct", year)
        assert value == pytest.approx(100 * (mid - entry) / entry)
        assert (numerator, denominator) == (mid - entry, entry)
        row = card[("Mid", "cohort_mode_mid_band", year)]
        assert (row["value_label"], row["numerator"], row["denominator"]) == (band, in_band, size)


def test_exit_and_reduction(card: dict) -> None:
    # exited: S01, S02, S04, S05, S07, S09; exit 50+0+5+0+0+360, entry 150+40+5+120+120+360
    assert figure(card, "Exit", "mean_exit_score")[0] == pytest.approx(415 / 6)
    # exit_variance: exit mean of the exited spells - entry mean of ALL ten spells (metrics.md),
    # entry 150+40+250+5+120+0+120+150+360+0 = 1195 -> 119.5: 415 / 6 - 119.5 = -50.33...
    variance = 415 / 6 - 119.5
    assert figure(card, "Exit", "exit_variance") == (pytest.approx(variance), None, 6)
    # -50.33 / 119.5 = -42.12%; numerator the variance, denominator the all-spells entry mean
    assert figure(card, "Exit", "exit_variance_pct") == (
        pytest.approx(100 * variance / 119.5),
        pytest.approx(variance),
        pytest.approx(119.5),
    )
    row = card[("Exit", "mode_exit_band", "all")]
    assert (row["value_label"], row["numerator"], row["denominator"]) == ("0-100", 5, 6)
    assert figure(card, "Reduction", "mean_reduction")[0] == pytest.approx(-380 / 6)
    # rates where months_on_iom >= 1 (S04 has 19 days): S01, S02, S05, S07, S09
    rates = [
        -100 / (366 / 30.4375),
        -40 / (365 / 30.4375),
        -120 / (365 / 30.4375),
        -120 / (365 / 30.4375),
        0,
    ]
    assert figure(card, "Reduction", "mean_reduction_rate")[0] == pytest.approx(sum(rates) / 5)
    # latest over all spells 445 / 10 vs entry 1195 / 10
    value, numerator, denominator = figure(card, "Reduction", "cohort_reduction_pct")
    assert value == pytest.approx(100 * (44.5 - 119.5) / 119.5)
    assert (numerator, denominator) == (pytest.approx(-75.0), pytest.approx(119.5))


def test_significance(card: dict) -> None:
    assert figure(card, "Significance", "exited_mostly_in_custody") == (
        pytest.approx(100 / 6),
        1,
        6,
    )  # S02: 90 of 365 days at liberty
    entry = np.array([150, 40, 5, 120, 120, 360])
    exit_ = np.array([50, 0, 5, 0, 0, 360])
    assert figure(card, "Significance", "exit_wilcoxon_n")[0] == 6
    assert figure(card, "Significance", "exit_wilcoxon_p")[0] == pytest.approx(
        stats.wilcoxon(exit_, entry).pvalue
    )
    assert figure(card, "Significance", "exit_effect_r")[0] == -1.0  # every change a fall
    assert figure(card, "Significance", "exit_hl_shift")[0] == -60.0  # 11th of 21 Walsh averages
    low = figure(card, "Significance", "exit_hl_ci_low")[0]
    high = figure(card, "Significance", "exit_hl_ci_high")[0]
    assert -120 <= low <= -60 <= high <= 0
    # mid - entry: 2016 (50, 0, -250, 0), 2017 (0, 0), 2018 (30, 0, 0, 0)
    assert figure(card, "Significance", "mid_wilcoxon_n", "2016")[0] == 4
    assert figure(card, "Significance", "mid_effect_r", "2016")[0] == pytest.approx(-1 / 3)
    assert figure(card, "Significance", "mid_hl_shift", "2016")[0] == 0.0
    assert figure(card, "Significance", "mid_wilcoxon_p", "2016")[0] == pytest.approx(
        stats.wilcoxon([200, 40, 0, 120], [150, 40, 250, 120]).pvalue
    )
    assert figure(card, "Significance", "mid_wilcoxon_p", "2017")[0] is None
    assert figure(card, "Significance", "mid_effect_r", "2018")[0] == 1.0
    assert figure(card, "Significance", "mid_hl_shift", "2018")[0] == 0.0


def test_every_percentage_has_numerator_and_denominator(run: PipelineRun) -> None:
    missing = run.rows(
        "select metric, breakdown from marts.scorecard "
        "where unit = 'pct' and value is not null and (numerator is null or denominator is null)"
    )
    assert missing == []
    assert {r[0] for r in run.rows("select distinct as_of::varchar from marts.scorecard")} == {
        AS_OF
    }


def test_iom_scorecard_prints_figure_a_sections_with_counts(run: PipelineRun) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "scorecard"],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(run.data_dir)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    titles = [
        "Process",
        "Recidivism",
        "Entry",
        "Mid by cohort",
        "Exit",
        "Reduction",
        "Significance",
    ]
    positions = [printed.index(f"\n{title}\n") for title in titles]
    assert positions == sorted(positions)
    # the shared formats (presentation/format.py): every count says what it counts
    assert "50.0% (3 of 6 spells)" in printed  # successful exits
    assert "12.5% (1 of 8 nominals)" in printed  # re-entered
    assert "0-100 (4 of 10 spells)" in printed  # mode entry band, tie to the lowest
    header = next(line for line in printed.splitlines() if "2016" in line)
    assert header.split() == ["2016", "2017", "2018"]  # cohort years as columns


def test_the_seed_labels_every_metric_the_scorecard_produces(run: PipelineRun) -> None:
    from dagster_project.presentation.metrics import scorecard_metrics

    seed = scorecard_metrics()
    produced = run.rows("select distinct section, metric, unit from marts.scorecard")
    # Every code of this run (all sections, Significance and exited_mostly_in_custody too)
    assert {"exit_hl_ci_high", "mid_wilcoxon_p", "exited_mostly_in_custody"} <= {
        m for _, m, _ in produced
    }
    assert sorted((s, m, u) for s, m, u in produced if m not in seed) == []
    assert (
        sorted((s, m, u) for s, m, u in produced if (seed[m].section, seed[m].unit) != (s, u)) == []
    )
    # Analysts get the labels in SQL: the published scorecard_labelled, one label per row.
    with run.published() as con:
        unlabelled = con.execute(
            "select count(*) filter (where label is null), count(*) from marts.scorecard_labelled"
        ).fetchone()
        scorecard_rows = con.execute("select count(*) from marts.scorecard").fetchone()[0]
        label = con.execute(
            "select label from marts.scorecard_labelled where metric = 'on_iom_nominals'"
        ).fetchone()[0]
    assert unlabelled == (0, scorecard_rows)
    assert label == seed["on_iom_nominals"].label


def test_the_python_column_lists_are_the_marts_own(run: PipelineRun) -> None:
    from dagster_project.transform.dbt_files import COHORT_COLUMNS, SCORECARD_COLUMNS

    def columns(table: str) -> list[str]:
        return [
            r[0]
            for r in run.rows(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table],
            )
        ]

    assert list(SCORECARD_COLUMNS) == columns("scorecard")
    cohort = columns("cohort_monthly")
    assert [c for c in cohort if c not in ("month_end", "scheme", "area")] == list(COHORT_COLUMNS)
