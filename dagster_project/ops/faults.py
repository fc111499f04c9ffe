"""Named points where the fault-injection tests kill or hold the run (tests/publish/test_faults.py).

`IOM_KILL_AT=<point>` makes the process SIGKILL itself on reaching that point: the same end
as the OOM killer or a power cut, with no cleanup. `IOM_HOLD_AT=<point>` with
`IOM_HOLD_FILE=<path>` makes it wait there while that file exists (at most HOLD_LIMIT_S), so a
test can act while the run is known to hold the warehouse. Unset (always, outside those
tests) a checkpoint is two dictionary lookups.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

KILL_AT_ENV = "IOM_KILL_AT"
HOLD_AT_ENV = "IOM_HOLD_AT"
HOLD_FILE_ENV = "IOM_HOLD_FILE"
POINTS = ("ingest", "dbt", "build_version", "swap", "after_swap")
# A test that never lets go must not leave a run waiting for ever.
HOLD_LIMIT_S = 300.0


def checkpoint(point: str) -> None:
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(HOLD_AT_ENV) == point:
        held = Path(os.environ[HOLD_FILE_ENV])
        deadline = time.monotonic() + HOLD_LIMIT_S
        while held.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
