"""Every dbt model a Dagster asset and every dbt test an asset check, in one lineage graph."""

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.project import dbt_project
from dagster_project.quality.results import record_dbt_tests
from dagster_project.resources import LandingResource, RunSettingsResource, WarehouseResource

WAREHOUSE_PATH_ENV = "IOM_WAREHOUSE_PATH"


class IomDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


@contextmanager
def _warehouse_path_for_dbt(path: Path) -> Iterator[None]:
    """profiles.yml reads the warehouse path from the environment of the dbt process."""
    previous = os.environ.get(WAREHOUSE_PATH_ENV)
    os.environ[WAREHOUSE_PATH_ENV] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(WAREHOUSE_PATH_ENV, None)
        else:
            os.environ[WAREHOUSE_PATH_ENV] = previous


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=IomDbtTranslator(),
)
def iom_dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    landing: LandingResource,
    run_settings: RunSettingsResource,
) -> Iterator[Any]:
    """dbt build (models, seeds and their tests) as of the run's as-of date."""
    as_of = run_settings.as_of_date(landing)
    dbt_vars = json.dumps({"as_of": as_of.isoformat()})
    verdicts: list[dg.AssetCheckResult] = []
    try:
        with _warehouse_path_for_dbt(warehouse.warehouse_path):
            for event in dbt.cli(["build", "--vars", dbt_vars], context=context).stream():
                if isinstance(event, dg.AssetCheckResult):
                    verdicts.append(event)
                yield event
    finally:
        # Also when a failing test stops dbt build: the verdict is what people need to see.
        with warehouse.connect() as con:
            record_dbt_tests(con, context.run_id, verdicts)
