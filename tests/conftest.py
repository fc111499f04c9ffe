"""Shared fixtures: the default demo landing folder and one real run on it, once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline import PipelineRun, SharedRuns, run_on

OUTPUT_DIR = Path(__file__).parent / "output"


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dagster_project.demo.generator import generate_landing

    return generate_landing(tmp_path_factory.mktemp("demo") / "landing").out_dir


@pytest.fixture(scope="session")
def demo_run(demo_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The default demo (seed 33, 484 nominals, 20,000 others, extract 2019-03-31), run."""
    run = run_on(demo_landing, tmp_path_factory.mktemp("demo_data"))
    assert run.outcome.success, run.outcome.failures
    return run


@pytest.fixture(scope="session")
def shared_runs(tmp_path_factory: pytest.TempPathFactory) -> SharedRuns:
    return SharedRuns(tmp_path_factory)


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """A folder under tests/output/ for screenshots and files a person may want to look at."""
    folder = OUTPUT_DIR / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
