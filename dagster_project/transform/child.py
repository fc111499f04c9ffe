"""Start dbt so that it dies with its parent: kill -9 of a run must not leave dbt writing.

Linux's PR_SET_PDEATHSIG makes the kernel send this process SIGKILL when the process that
started it ends, however it ends; it survives the exec into dbt. Elsewhere (no prctl) dbt
starts as before. `dbt_guarded` (the executable dagster-dbt is given) runs this module.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PARENT_PID_ENV = "IOM_DBT_PARENT_PID"
PYTHON_ENV = "IOM_DBT_PYTHON"
_PR_SET_PDEATHSIG = 1


def main() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        # The parent may have died before prctl took effect: then no signal would ever come.
        parent = int(os.environ.get(PARENT_PID_ENV) or 0)
        if parent and os.getppid() != parent:
            sys.exit("dbt not started: the run that asked for it has already ended")
    dbt = Path(sys.executable).with_name("dbt")
    os.execv(dbt, [str(dbt), *sys.argv[1:]])


if __name__ == "__main__":
    main()
