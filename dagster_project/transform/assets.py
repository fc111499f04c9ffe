"""Every dbt model a Dagster asset and every dbt test an asset check, in one lineage graph."""

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from packaging.version import Version

from dagster_project.quality.results import record_dbt_tests
from dagster_project.resources import LandingResource, RunSettingsResource, WarehouseResource
from dagster_project.settings import WAREHOUSE_PATH_ENV
from dagster_project.transform.dbt_vars import run_dbt_vars
from dagster_project.transform.project import dbt_project


class IomDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


class IomDbtCliResource(DbtCliResource):
    """dbt CLI without two start-up costs per dbt step that this project never uses.

    dagster-dbt runs `dbt --version` (a whole dbt start-up, ~2 s of CPU) to learn which dbt it
    calls, and opens a dbt adapter inside the Dagster process (~1 s) that only serves
    fetch_row_counts / fetch_column_metadata, which no asset here calls. The executable is the
    venv's own dbt (project.DBT_EXECUTABLE), so its version is the installed dbt-core's.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def run_target_path(run_id: str) -> Path:
    """One dbt target folder per run, shared by the run's dbt steps.

    Dagster splits the dbt assets into several steps around Python assets; in a shared folder
    every step after the first finds the partial-parse file written by the first with the
    same vars and profile, so it parses partially instead of from scratch.
    """
    return Path(dbt_project.project_dir) / "target" / f"run-{run_id}"


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


# The Python scoring assets sit in the middle of the dbt graph (dbt -> python -> dbt -> python
# -> dbt). Left as one @dbt_assets, Dagster resolves that cycle by colouring the whole graph
# and split the dbt models into seven steps (every hop between feed assets counts), some of
# which ran relationship tests before their other parent existed. Three explicit stages,
# cut at the scoring sources, keep the lineage one graph with one dbt build per stage. The
# first-stage scoring assets (rrs_scores, and population_rrs writing monthly_rrs and as_of_rrs)
# all read only first-stage models, so everything downstream of any of them is stage two.
SCORED_MODELS = "source:scoring.rrs_scores+ source:scoring.monthly_rrs+ source:scoring.as_of_rrs+"
SCORECARD_MODELS = "source:scoring.scorecard_statistics+"


def build_dbt_stage(name: str, select: str, exclude: str | None) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=IomDbtTranslator(),
        name=name,
        select=select,
        exclude=exclude,
    )
    def _dbt_stage(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        landing: LandingResource,
        run_settings: RunSettingsResource,
    ) -> Iterator[Any]:
        """dbt build (models, seeds and their tests) as of the run's as-of date."""
        as_of = run_settings.as_of_date(landing)
        dbt_vars = json.dumps(run_dbt_vars(as_of))
        verdicts: list[dg.AssetCheckResult] = []
        try:
            with _warehouse_path_for_dbt(warehouse.warehouse_path):
                for event in dbt.cli(
                    ["build", "--vars", dbt_vars],
                    context=context,
                    target_path=run_target_path(context.run_id),
                ).stream():
                    if isinstance(event, dg.AssetCheckResult):
                        verdicts.append(event)
                    yield event
        finally:
            # Also when a failing test stops dbt build: the verdict is what people need to see.
            with warehouse.connect() as con:
                record_dbt_tests(con, context.run_id, verdicts)

    return _dbt_stage


iom_dbt_models = build_dbt_stage(
    "iom_dbt_models", "fqn:*", exclude=f"{SCORED_MODELS} {SCORECARD_MODELS}"
)
iom_dbt_scored_models = build_dbt_stage(
    "iom_dbt_scored_models", SCORED_MODELS, exclude=SCORECARD_MODELS
)
iom_dbt_scorecard_models = build_dbt_stage("iom_dbt_scorecard_models", SCORECARD_MODELS, None)
dbt_model_assets = [iom_dbt_models, iom_dbt_scored_models, iom_dbt_scorecard_models]
