"""The Dagster instance of a data directory: DAGSTER_HOME under the data dir by default."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dagster import DagsterInstance

from dagster_project.paths import REPO_ROOT

# The one instance configuration, reviewed like code; see docs/operations.md.
INSTANCE_TEMPLATE = REPO_ROOT / "deploy" / "dagster.yaml"


def dagster_home(data_dir: Path) -> Path:
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured) if configured else data_dir / "dagster_home"


def ensure_dagster_home(home: Path) -> Path:
    """Create DAGSTER_HOME with the template's dagster.yaml; an edited copy is left alone."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_TEMPLATE, config)
    return home


def instance_for(data_dir: Path) -> DagsterInstance:
    home = ensure_dagster_home(dagster_home(data_dir).resolve())
    return DagsterInstance.from_config(str(home))
