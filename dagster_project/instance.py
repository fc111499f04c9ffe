"""The Dagster instance of a data directory: DAGSTER_HOME under the data dir by default."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DagsterInstance

INSTANCE_CONFIG = """\
# Written by iom-warehouse on first use; see docs/operations.md.
telemetry:
  enabled: false
run_retries:
  enabled: true
  max_retries: 1
"""


def dagster_home(data_dir: Path) -> Path:
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured) if configured else data_dir / "dagster_home"


def ensure_dagster_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG)
    return home


def instance_for(data_dir: Path) -> DagsterInstance:
    home = ensure_dagster_home(dagster_home(data_dir).resolve())
    return DagsterInstance.from_config(str(home))
