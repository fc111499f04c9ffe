"""Shared fixtures: the default demo landing folder and one real run on it, once per session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.pipeline import PipelineRun, SharedRuns, run_on

if TYPE_CHECKING:
    from dagster_project.demo.generator import GenerationResult

OUTPUT_DIR = Path(__file__).parent / "output"


@pytest.fixture(scope="session")
def demo_generation(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    """The default demo landing folder (`iom demo-data` with no options), generated once."""
    from dagster_project.demo.generator import generate_landing

    return generate_landing(tmp_path_factory.mktemp("demo") / "landing")


@pytest.fixture(scope="session")
def demo_landing(demo_generation: GenerationResult) -> Path:
    return demo_generation.out_dir


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


# Parallel runs (pytest -n 2, pytest-xdist with --dist loadgroup): a fixture that makes a
# pipeline run once per session, package or module must not be made again on another worker.
# Tests that share such a fixture, or a module, go to one worker together.
_REGISTRIES = {"shared_runs"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Set on xdist's workers with --dist loadgroup; they read the marks after this hook.
    if not getattr(config.option, "loadgroup", False):
        return
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    shared_by_item: dict[str, list[str]] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        shared = [f"module:{module}"]
        info = getattr(item, "_fixtureinfo", None)
        for name, definitions in info.name2fixturedefs.items() if info else []:
            for definition in definitions:
                if (
                    definition.scope in ("session", "package")
                    and definition.baseid.startswith("tests")
                    and name not in _REGISTRIES
                ):
                    shared.append(f"fixture:{definition.baseid}::{name}")
        for node in shared[1:]:
            parent[root(node)] = root(shared[0])
        shared_by_item[item.nodeid] = shared
    group_of: dict[str, str] = {}
    for item in items:
        group = root(shared_by_item[item.nodeid][0]).split(":", 1)[1]
        group_of[item.nodeid] = group
        item.add_marker(pytest.mark.xdist_group(name=group))
    # The longest groups first (pytest_configure turns off xdist's own order, by number of
    # tests): a group handed out last would run alone at the end while the other worker idles.
    seconds_of_module: dict[str, float] = {}
    for item in items:
        mark = item.get_closest_marker("duration")
        if mark is not None:
            seconds_of_module[item.nodeid.split("::", 1)[0]] = float(mark.args[0])
    seconds_of_group: dict[str, float] = {}
    for module, seconds in seconds_of_module.items():
        group = root(f"module:{module}").split(":", 1)[1]
        seconds_of_group[group] = seconds_of_group.get(group, 0.0) + seconds
    items.sort(key=lambda item: -seconds_of_group.get(group_of[item.nodeid], 0.0))


def pytest_configure(config: pytest.Config) -> None:
    # Hand groups out in the order pytest_collection_modifyitems leaves them.
    if config.getoption("dist", None) == "loadgroup":
        config.option.loadscopereorder = False


# optionalhook: without pytest-xdist there is no such hook, and no groups to check.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """On the controller, as each worker reports its tests: xdist sends a test to its group's
    worker only if the id ends in "@group". A pytest that ignores xdist's change of the id (9.2,
    pytest-dev/pytest-xdist#1386) would silently make every shared run again on each worker and
    split a module's tests between workers; stop instead."""
    if node.config.getvalue("dist") != "loadgroup":
        return
    ungrouped = [nodeid for nodeid in ids if "@" not in nodeid]
    if ungrouped:
        pytest.exit(
            f"--dist loadgroup is not honoured by this pytest and pytest-xdist ({len(ungrouped)} "
            f"tests without a group, first {ungrouped[0]}): install the versions in "
            "constraints.txt",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
