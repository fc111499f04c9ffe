"""dbt's unit tests: the models' SQL on fixed rows, run here because the nightly build skips them.

They need the relations their models read to exist (dbt takes the input columns from the
database), so they run against a copy of the demo run's warehouse.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.dbt_cli import run_dbt
from tests.pipeline import PipelineRun

# About 40 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(40)


def test_every_unit_test_passes_on_the_built_warehouse(demo_run: PipelineRun, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_run.data_dir / "warehouse.duckdb", warehouse)
    target = tmp_path / "target"
    finished = run_dbt("test", "--select", "test_type:unit", warehouse=warehouse, target=target)
    assert finished.returncode == 0, finished.stdout[-3000:]
    declared = json.loads((target / "manifest.json").read_text())["unit_tests"]
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert len(declared) >= 7
    assert sorted(r["unique_id"] for r in results) == sorted(declared)
    assert {r["status"] for r in results} == {"pass"}
