"""An as-of date that is not a month end (2019-03-15): M stops at 2019-02-28 and the
selection ranks on the scores at 2019-03-15 itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.pipeline import PipelineRun, run_on
from tests.population.fixture import key, population_landing


@pytest.fixture(scope="module")
def mid_month_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root: Path = tmp_path_factory.mktemp("population_mid_month")
    run = run_on(population_landing(root / "landing"), root / "data", as_of=date(2019, 3, 15))
    assert run.outcome.success, run.outcome.failures
    return run


def test_month_grid_stops_at_the_last_month_end_before_the_as_of_date(
    mid_month_run: PipelineRun,
) -> None:
    # 2016-01-31 .. 2019-02-28: 38 month ends
    assert mid_month_run.rows("select count(*), max(month_end) from marts.selection_monthly") == [
        (38, date(2019, 2, 28))
    ]
    assert mid_month_run.rows("select max(month_end) from marts.monthly_scores") == [
        (date(2019, 2, 28),)
    ]
    months = {
        r[0]: r[1:]
        for r in mid_month_run.rows(
            "select month_end, entered_next_month, entered_below_threshold, entries_next_month "
            "from marts.selection_monthly"
        )
    }
    # March 2019 ends after 2019-03-15: unknown; February ended on 2019-02-28: known
    assert months[date(2019, 2, 28)] == (None, None, None)
    assert months[date(2019, 1, 31)] == (0, 0, 0)


def test_selection_uses_the_scores_at_the_as_of_date(mid_month_run: PipelineRun) -> None:
    rows = mid_month_run.rows(
        "select nominal_key, rrs from marts.selection_candidates order by rank"
    )
    # the candidates' events all lie inside (2019-03-15 - 12 months, 2019-03-15] (arrests)
    # and (2019-03-15 - 5 years, ...] (convictions): the same 7 scores as at 2019-03-31;
    # EXITLATE entered on 2019-03-10 and is open at 2019-03-15
    assert [score for _, score in rows] == [200, 200, 200, 200, 189, 171, 150]
    assert key("EXITLATE") not in {who for who, _ in rows}
    (scoring_date,) = mid_month_run.rows("select distinct scoring_date from scoring.as_of_rrs")
    assert scoring_date == (date(2019, 3, 15),)
