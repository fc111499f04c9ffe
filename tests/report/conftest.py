"""Report fixtures: a small real run (marts as far as they are built) and its report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dagster_project.report.render import Report, write_report
from tests.landing import custody, event, spell, write_landing
from tests.marts.idva import idva_case
from tests.pipeline import PipelineRun, SharedRuns

EXTRACT = date(2019, 3, 31)


# Twelve closed IDVA cases of N3's survivors, all physical abuse: 11 cessation, 1 don't know;
# 11 felt safer, 1 did not. The 1s are small numbers of victims.
IDVA_CASES = [
    idva_case(f"V{i:02}", "N3", "2018-04-01", "2018-10-01", "Y" if i < 11 else "N")
    for i in range(12)
]
IDVA_OUTCOMES = [
    {
        "case_id": f"V{i:02}",
        "abuse_type": "PHYSICAL",
        "outcome": "CESSATION" if i < 11 else "DONT_KNOW",
    }
    for i in range(12)
]


def small_landing(folder: Path) -> Path:
    """Three nominals: one exited, one open and in custody, one on DV with IDVA cases."""
    return write_landing(
        folder,
        {
            "iom_register": [
                spell("S1", "N1", "2017-02-01", "2018-06-30", "SUCCESSFUL"),
                spell("S2", "N2", "2018-01-15"),
                spell("S3", "N3", "2018-03-01", scheme="DV", area="COUNTY_NORTH"),
            ],
            "convictions": [
                event("conviction", "C1", "N1", "BURGLARY", "2016-05-01"),
                event("conviction", "C2", "N2", "ROBBERY", "2017-06-01"),
                event("conviction", "C3", "N3", "DOMESTIC_ABUSE", "2017-09-01"),
            ],
            "arrests": [
                event("arrest", "A1", "N1", "BURGLARY", "2016-11-01"),
                event("arrest", "A2", "N2", "ROBBERY", "2017-12-01"),
                event("arrest", "A3", "N3", "DOMESTIC_ABUSE", "2018-01-10"),
            ],
            "custody_episodes": [custody("K1", "N2", "2018-09-01", 400, "2019-05-01")],
            "idva_cases": IDVA_CASES,
            "idva_outcomes": IDVA_OUTCOMES,
        },
        EXTRACT,
    )


@pytest.fixture(scope="session")
def small_run(shared_runs: SharedRuns) -> PipelineRun:
    """Three nominals (small_landing), run once per session; other folders may share it. Its
    Dagster events are kept (small_run.instance()) for the tests of what the UI shows."""
    return shared_runs.get("report_small", small_landing, keep_events=True)


@pytest.fixture(scope="session")
def small_report(small_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Report:
    return write_report(small_run.data_dir, tmp_path_factory.mktemp("small_report"))


@pytest.fixture(scope="session")
def demo_report(demo_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Report:
    return write_report(demo_run.data_dir, tmp_path_factory.mktemp("demo_report"))
