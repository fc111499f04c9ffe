"""dbt's own docs site for analysts, with the catalog read from the published marts."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR, WAREHOUSE_PATH_ENV
from dagster_project.transform.project import DBT_EXECUTABLE

DOCS_DIR = "dbt_docs"
# dbt-duckdb names the database after the file: the manifest's nodes live in "warehouse".
_CATALOG_DATABASE_FILE = "warehouse.duckdb"


class DocsBuildError(Exception):
    """dbt could not generate the docs."""


def build_dbt_docs(analytics_path: Path, out_dir: Path) -> Path:
    """Run `dbt docs generate --static` into out_dir; the page to open is returned.

    dbt opens its database for writing, so it reads a scratch copy of the published file:
    the served copy is never opened by anything but read-only readers.
    """
    scratch = out_dir / ".catalog"
    scratch.mkdir(parents=True, exist_ok=True)
    database = scratch / _CATALOG_DATABASE_FILE
    shutil.copyfile(analytics_path, database)
    try:
        completed = subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(out_dir),
            ],
            cwd=DBT_PROJECT_DIR,
            env={**os.environ, WAREHOUSE_PATH_ENV: str(database)},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if completed.returncode != 0:
        last = (completed.stdout + completed.stderr).strip().splitlines()[-1:] or ["no output"]
        raise DocsBuildError(f"dbt docs generate failed: {last[0]}")
    return out_dir / "static_index.html"
