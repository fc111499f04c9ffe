"""Python's cyclic garbage collector and the objects a process keeps for its whole life.

Importing the definitions creates some 500,000 objects (modules, classes, Dagster's and
dbt's tables) that live as long as the process; dbt's parsed project adds about 150,000
more. The collector walks every object it tracks at each full collection, and the imports
alone set off several, each freeing a few dozen objects: at 500 nominals a nightly run spent
about 2 s of its CPU in collections (gc.callbacks). Here such objects are created with the
collector paused and then frozen (gc.freeze: kept out of every later collection), so the
collections during the run walk only what the run itself creates.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Create what the block creates without collections, then freeze it.

    Only for objects kept until the process exits: whatever is frozen is never collected,
    including any garbage the block left behind (imports and a parsed manifest leave little).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
