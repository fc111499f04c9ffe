"""dbt as a user runs it, in a process of its own, on a scratch warehouse file of the test's."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.project import DBT_EXECUTABLE


def run_dbt(*args: str, warehouse: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """`dbt ARGS` on the project, with `warehouse` as the DuckDB file and `target` as the
    target folder (its manifest and results); never raises on dbt's exit code."""
    return subprocess.run(
        [
            str(DBT_EXECUTABLE),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        env={**os.environ, "IOM_WAREHOUSE_PATH": str(warehouse)},
        capture_output=True,
        text=True,
    )
