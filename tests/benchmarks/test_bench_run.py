"""`make bench` at a tiny scale: runs to the end and prints its table (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# About 50 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(50)

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"


@pytest.mark.bench
def test_bench_runs_to_the_end_and_prints_the_table() -> None:
    saved_before = set(RESULTS_DIR.glob("*.json"))
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--scales", "200:300", "--no-save"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for line in (
        "200 nominals, 300 people",
        "monthly_scores rows",
        "impact_evaluation rows",
        "population RRS asset / DuckDB SQL",
        "impact: dbt models",
        "growth in people t(most) / t(fewest)",
        "step iom_dbt_models",
        "TOTAL wall",
        "peak RSS, all processes (MiB)",
        "rows per second",
        "RRS asset / hand-written DuckDB SQL",
        "orchestration overhead",
        "dbt start-up inside dbt steps",
        "of the run",
        "checks / whole run",
        "growth t(50,000) / t(5,000)",
    ):
        assert line in result.stdout
    assert set(RESULTS_DIR.glob("*.json")) == saved_before, "--no-save wrote a results file"
