from __future__ import annotations

import pytest

from tests.pipeline import PipelineRun, run_on
from tests.population.fixture import population_landing


@pytest.fixture(scope="package")
def population_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("population")
    run = run_on(population_landing(root / "landing"), root / "data")
    assert run.outcome.success, run.outcome.failures
    return run
