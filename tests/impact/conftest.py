from __future__ import annotations

import pytest

from tests.impact.fixture import impact_landing
from tests.pipeline import PipelineRun, run_on


@pytest.fixture(scope="package")
def impact_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("impact")
    run = run_on(impact_landing(root / "landing"), root / "data")
    assert run.outcome.success, run.outcome.failures
    return run
