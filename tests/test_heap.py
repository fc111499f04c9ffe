"""The collector pause around long-lived objects (dagster_project/heap.py)."""

import gc
import subprocess
import sys

import pytest

from dagster_project.heap import long_lived


@pytest.fixture
def collector_restored():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_block_runs_without_collections_and_its_objects_are_frozen(collector_restored):
    gc.enable()
    gc.unfreeze()
    with long_lived():
        assert not gc.isenabled()
        kept = [[index] for index in range(1000)]
    assert gc.isenabled()
    # the 1,000 lists and the list holding them are out of every later collection's sight
    assert gc.get_freeze_count() >= 1001
    collected = {id(item) for item in gc.get_objects()}
    assert not any(id(item) in collected for item in [kept, *kept])


def test_a_collector_that_was_off_stays_off(collector_restored):
    gc.disable()
    with long_lived():
        pass
    assert not gc.isenabled()


def test_the_collector_is_on_again_after_a_failure_in_the_block(collector_restored):
    gc.enable()
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("inside")
    assert gc.isenabled()


def test_loading_the_definitions_leaves_the_collector_on_and_the_imports_frozen():
    # A fresh interpreter: this one has imported the definitions already.
    probe = (
        "import gc; import dagster_project.definitions; "
        "print(gc.isenabled(), gc.get_freeze_count() > 100_000)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "True"]
