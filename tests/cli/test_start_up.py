"""The analysts' light commands start without importing Dagster, pandas or the generator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import REPO_ROOT

PROBE = """
import sys
from dagster_project.cli.main import main
code = main(sys.argv[1:])
heavy = [m for m in ("dagster", "pandas", "dagster_project.demo.generator") if m in sys.modules]
print("exit", code, "heavy", ",".join(heavy) or "none")
"""


def started(data_dir: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]


def test_versions_and_audit_import_neither_dagster_nor_pandas(tmp_path: Path):
    assert started(tmp_path / "data", "versions") == "exit 0 heavy none"
    assert started(tmp_path / "data", "audit") == "exit 0 heavy none"
