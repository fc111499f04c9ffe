"""The dbt vars of a run: dbt_project.yml's defaults with the run's as-of date.

Every dbt stage gets all of them explicitly, and each published version records them
(version.json, published_marts metadata), so a figure can be traced to the threshold it used.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dagster_project.transform.dbt_files import dbt_vars


def run_dbt_vars(as_of: date) -> dict[str, Any]:
    return {**dbt_vars(), "as_of": as_of.isoformat()}


def selection_threshold() -> int:
    return int(dbt_vars()["selection_threshold"])
