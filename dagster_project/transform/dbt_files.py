"""What Python needs from the dbt project's own files, read rather than copied.

dbt defines the marts' columns (their .yml), the vars (dbt_project.yml) and the reference
seeds; Python reads them here, so a column list, a threshold or a label is written once.
Plain YAML and CSV reading: no dbt parse, so the CLI stays quick.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dagster_project.settings import DBT_PROJECT_DIR, SEEDS_DIR

# libyaml's parser when PyYAML has it (its wheels do): the same documents, read 8x faster, and
# every process reads the models' .yml at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A YAML file of the dbt project, as yaml.safe_load reads it."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_YAML_LOADER)


@cache
def dbt_vars(project_dir: Path = DBT_PROJECT_DIR) -> dict[str, Any]:
    """The vars of dbt_project.yml (their defaults; a run may still pass --vars)."""
    return dict(read_yaml(project_dir / "dbt_project.yml").get("vars") or {})


def dbt_var(name: str) -> Any:
    variables = dbt_vars()
    if name not in variables:
        raise KeyError(f"dbt/dbt_project.yml: no var {name!r}")
    return variables[name]


@cache
def model_columns(model: str, project_dir: Path = DBT_PROJECT_DIR) -> tuple[str, ...]:
    """A model's columns in the order its .yml declares them (the model's contract)."""
    for path in sorted((project_dir / "models").rglob("*.yml")):
        document = read_yaml(path) or {}
        for node in document.get("models") or []:
            if node.get("name") == model:
                return tuple(column["name"] for column in node.get("columns") or [])
    raise KeyError(f"dbt/models: no .yml declares model {model!r}")


def seed_rows(seed: str) -> list[dict[str, str]]:
    """The rows of a seed CSV, as text."""
    with (SEEDS_DIR / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def area_names() -> dict[str, str]:
    """Area code -> display name, from the areas seed, in the seed's order."""
    return {row["area_code"]: row["area_name"] for row in seed_rows("areas")}


# The scorecard's columns, from its .yml; the Python statistics rows have all but as_of.
SCORECARD_COLUMNS = model_columns("scorecard")
# cohort_monthly's counts: every column but its key (month_end, scheme, and area once the
# mart is split by area).
COHORT_KEY_COLUMNS = ("month_end", "scheme", "area")
COHORT_COLUMNS = tuple(c for c in model_columns("cohort_monthly") if c not in COHORT_KEY_COLUMNS)
