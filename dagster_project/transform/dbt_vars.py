"""The dbt vars of a run: dbt_project.yml's defaults with the run's as-of date.

Every dbt stage gets all of them explicitly, and each published version records them
(version.json, published_marts metadata), so a figure can be traced to the threshold it used.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import yaml

from dagster_project.settings import DBT_PROJECT_DIR


@cache
def default_dbt_vars() -> dict[str, Any]:
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(project.get("vars") or {})


def run_dbt_vars(as_of: date) -> dict[str, Any]:
    return {**default_dbt_vars(), "as_of": as_of.isoformat()}


def selection_threshold() -> int:
    return int(default_dbt_vars()["selection_threshold"])
