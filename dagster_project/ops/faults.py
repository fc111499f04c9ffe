"""Named points where the fault-injection tests kill the run (tests/publish/test_faults.py).

`IOM_KILL_AT=<point>` makes the process SIGKILL itself on reaching that point: the same end
as the OOM killer or a power cut, with no cleanup. Unset (always, outside those tests) a
checkpoint is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

KILL_AT_ENV = "IOM_KILL_AT"
POINTS = ("ingest", "dbt", "build_version", "swap", "after_swap")


def checkpoint(point: str) -> None:
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
