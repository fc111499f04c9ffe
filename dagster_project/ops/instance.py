"""The Dagster instance of a data directory: DAGSTER_HOME under the data dir by default."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef

from dagster_project.ops import event_log
from dagster_project.settings import REPO_ROOT, from_environment

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


def prepare_dagster_home(data_dir: Path) -> Path:
    """DAGSTER_HOME with its storage created, before the webserver, daemon and code servers
    start together: two processes creating the same fresh SQLite schema at once corrupt its
    migration table ("more than one head")."""
    home = ensure_dagster_home(dagster_home(data_dir).resolve())
    with open_instance(home) as instance:
        instance.get_runs(limit=1)
        instance.all_instigator_state()
    return home


def _event_log_overrides(home: Path) -> dict:
    """Our event log (ops/event_log.py) named without a base_dir takes DAGSTER_HOME's; a
    command given only a data dir may run without DAGSTER_HOME, so the folder is named here."""
    configured = yaml.safe_load((home / "dagster.yaml").read_text()) or {}
    storage = configured.get("event_log_storage") or {}
    if storage.get("module") != event_log.__name__ or (storage.get("config") or {}).get("base_dir"):
        return {}
    base_dir = event_log.runs_dir(str(home))
    return {"event_log_storage": {**storage, "config": {"base_dir": base_dir}}}


def open_instance(home: Path) -> DagsterInstance:
    """The instance whose dagster.yaml is in `home`, whether or not DAGSTER_HOME is set."""
    ref = InstanceRef.from_dir(str(home), overrides=_event_log_overrides(home))
    return DagsterInstance.from_ref(ref)


def instance_for(data_dir: Path) -> DagsterInstance:
    return open_instance(ensure_dagster_home(dagster_home(data_dir).resolve()))


if __name__ == "__main__":
    # `python -m dagster_project.ops.instance`: services prepare DAGSTER_HOME before they start.
    print(prepare_dagster_home(from_environment().data_dir))
