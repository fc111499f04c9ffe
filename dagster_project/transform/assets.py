"""Every dbt model a Dagster asset and every dbt test an asset check, in one lineage graph."""

import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource, dbt_assets
from packaging.version import Version

from dagster_project.ops.faults import checkpoint
from dagster_project.quality.results import record_dbt_tests
from dagster_project.resources import (
    LandingResource,
    RunLockResource,
    RunSettingsResource,
    WarehouseResource,
)
from dagster_project.transform.child import PARENT_PID_ENV, PYTHON_ENV
from dagster_project.transform.dbt_vars import run_dbt_vars
from dagster_project.transform.in_process import dbt_in_process
from dagster_project.transform.project import dbt_project
from dagster_project.transform.spark import DBT_TARGETS
from dagster_project.transform.table_metadata import with_table_metadata


class IomDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


class IomDbtCliResource(DbtCliResource):
    """dbt without the start-up costs per dbt step that this project never uses.

    By default every dbt invocation runs in this process on a manifest parsed once
    (transform/in_process.py): no dbt process to start and no parse per stage. `in_process:
    false` starts a dbt process per stage as dagster-dbt does (kept for the benchmark's side by
    side and as a fallback).

    dagster-dbt runs `dbt --version` (a whole dbt start-up, ~2 s of CPU) to learn which dbt it
    calls, and opens a dbt adapter inside the Dagster process (~1 s) that only serves
    fetch_row_counts / fetch_column_metadata, which no asset here calls: the dbt stages add
    row counts and column schemas themselves, from the warehouse once dbt has let go of it
    (transform/table_metadata.py). The executable is the venv's own dbt
    (project.DBT_EXECUTABLE), so its version is the installed dbt-core's.
    """

    in_process: bool = True

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:  # type: ignore[override]
        if not self.in_process:
            return super().cli(args, **kwargs)
        with dbt_in_process():
            return super().cli(args, **kwargs)


def run_target_path(run_id: str) -> Path:
    """One dbt target folder per run, shared by the run's dbt steps.

    Dagster splits the dbt assets into several steps around Python assets; in a shared folder
    every step after the first finds the partial-parse file written by the first with the
    same vars and profile, so it parses partially instead of from scratch.
    """
    return Path(dbt_project.project_dir) / "target" / f"run-{run_id}"


@contextmanager
def _warehouse_for_dbt(warehouse: WarehouseResource) -> Iterator[None]:
    """profiles.yml reads the warehouse path and DuckDB's settings from dbt's environment."""
    values = {
        **warehouse.dbt_environment(),
        "DBT_TARGET": DBT_TARGETS[warehouse.engine],
        # For dbt_guarded / child.py: which python runs dbt, and which process it dies with.
        PYTHON_ENV: sys.executable,
        PARENT_PID_ENV: str(os.getpid()),
    }
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# The Python scoring assets sit in the middle of the dbt graph (dbt -> python -> dbt -> python
# -> dbt). Left as one @dbt_assets, Dagster resolves that cycle by colouring the whole graph
# and split the dbt models into seven steps (every hop between feed assets counts), some of
# which ran relationship tests before their other parent existed. Explicit stages, cut at the
# scoring sources, keep the lineage one graph with one dbt build per stage.
SCORING_SOURCE = "scoring"
# Names of the stages that existed before stages were derived: kept for logs, alerts and docs.
STAGE_NAMES = {
    (): "iom_dbt_models",
    ("rrs_scores",): "iom_dbt_scored_models",
    ("as_of_rrs", "monthly_rrs", "rrs_scores"): "iom_dbt_scored_models",
    ("scorecard_statistics",): "iom_dbt_scorecard_models",
    ("impact_bootstrap", "scorecard_statistics"): "iom_dbt_scorecard_models",
}


def scoring_source_levels(
    manifest: Mapping[str, Any], python_deps: Mapping[str, set[dg.AssetKey]]
) -> dict[str, int]:
    """Which dbt stage follows each scoring source: 1 + the latest stage its Python asset reads.

    A dbt node belongs to the stage of the latest scoring source upstream of it (0: none), so
    stage k holds `source:scoring.<s>+` of the sources at level k less those of later levels.
    `python_deps` maps a source table to the asset keys its Python asset reads.
    """
    translator = IomDbtTranslator()
    sources = {
        props["name"]: uid
        for uid, props in manifest["sources"].items()
        if props["source_name"] == SCORING_SOURCE
    }
    downstream: dict[str, set[str]] = {}
    for name, uid in sources.items():
        seen, todo = set(), [uid]
        while todo:
            for child in manifest["child_map"].get(todo.pop(), []):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        downstream[name] = seen
    node_by_key = {
        translator.get_asset_key(props): uid
        for uid, props in [*manifest["nodes"].items(), *manifest["sources"].items()]
    }
    levels: dict[str, int] = {}

    def level(name: str, visiting: frozenset[str] = frozenset()) -> int:
        if name in visiting:
            raise ValueError(f"scoring sources read each other in a cycle: {sorted(visiting)}")
        if name not in levels:
            found = 1
            for key in python_deps.get(name, set()):
                if key.path[:1] == [SCORING_SOURCE] and key.path[-1] in sources:
                    found = max(found, level(key.path[-1], visiting | {name}))
                elif key in node_by_key:
                    uid = node_by_key[key]
                    upstream = [s for s in sources if uid in downstream[s]]
                    reads = max((level(s, visiting | {name}) for s in upstream), default=0)
                    found = max(found, reads + 1)
            levels[name] = found
        return levels[name]

    for name in sources:
        level(name)
    return levels


def stage_selections(levels: Mapping[str, int]) -> list[tuple[str, str, str | None]]:
    """(name, select, exclude) of every dbt stage, in run order."""
    stages = []
    for k in range(max(levels.values(), default=0) + 1):
        here = sorted(s for s, n in levels.items() if n == k)
        later = " ".join(
            f"source:{SCORING_SOURCE}.{s}+" for s, n in sorted(levels.items()) if n > k
        )
        select = " ".join(f"source:{SCORING_SOURCE}.{s}+" for s in here) if k else "fqn:*"
        if k and not here:
            continue
        name = STAGE_NAMES.get(tuple(here), f"iom_dbt_{'_'.join(here)}_models")
        stages.append((name, select, later or None))
    return stages


def stage_sources(manifest: Mapping[str, Any], select: str) -> list[str]:
    """The source tables (schema.name) a stage reads that no dbt stage builds.

    The first stage reads the feeds (every source but the scoring ones); a later stage the
    scoring sources it is selected from. The spark engine copies them into Spark first.
    """
    chosen = {
        token.removeprefix(f"source:{SCORING_SOURCE}.").removesuffix("+")
        for token in select.split()
        if token.startswith(f"source:{SCORING_SOURCE}.")
    }
    return sorted(
        f"{props['schema']}.{props['name']}"
        for props in manifest["sources"].values()
        if (props["source_name"] == SCORING_SOURCE) == bool(chosen)
        and (not chosen or props["name"] in chosen)
    )


def _spark_before_stage(
    warehouse: WarehouseResource, dbt: DbtCliResource, sources: Sequence[str], first: bool
) -> Any:
    """Start (or find) the run's Spark and load the stage's sources into it."""
    from dagster_project.transform.spark import push_tables, reset_spark, spark_session

    if not getattr(dbt, "in_process", False):
        raise dg.Failure(
            description="the spark engine runs dbt in process (dbt resource in_process: true)"
        )
    spark = spark_session(
        warehouse.spark_dir,
        warehouse.spark_master,
        warehouse.spark_driver_memory,
        warehouse.spark_conf,
    )
    if first:
        reset_spark(spark, warehouse.spark_dir, SPARK_SCHEMAS)
    with warehouse.connect(read_only=True) as con:
        push_tables(con, spark, warehouse.spark_dir, sources)
    return spark


# Every schema the spark engine creates in Spark (sources, models, seeds).
SPARK_SCHEMAS = ("raw", "scoring", "reference", "staging", "intermediate", "marts")


def build_dbt_stage(
    name: str, select: str, exclude: str | None, sources: Sequence[str] = ()
) -> dg.AssetsDefinition:
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
        run_lock: RunLockResource,  # held for the whole run (one writer per data dir)
    ) -> Iterator[Any]:
        """dbt build (models, seeds and their tests) as of the run's as-of date."""
        as_of = run_settings.as_of_date(landing)
        dbt_vars = json.dumps(run_dbt_vars(as_of))
        verdicts: list[dg.AssetCheckResult] = []
        # Held until dbt has finished and let go of the warehouse, so that each table's
        # materialisation can carry its row count and columns (transform/table_metadata.py).
        events: list[Any] = []
        failure: Exception | None = None
        checkpoint("dbt")
        spark = None
        if warehouse.engine == "spark":
            spark = _spark_before_stage(warehouse, dbt, sources, first=select == "fqn:*")
        try:
            with _warehouse_for_dbt(warehouse):
                # dbt's unit tests check the models' SQL on fixed rows, not the night's data:
                # make test runs them (tests/test_dbt_unit_tests.py), the nightly doesn't.
                for event in dbt.cli(
                    ["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars],
                    context=context,
                    target_path=run_target_path(context.run_id),
                ).stream():
                    if isinstance(event, dg.AssetCheckResult):
                        verdicts.append(event)
                    events.append(event)
            if spark is not None:
                from dagster_project.transform.spark import pull_tables

                # What the stage built, back into DuckDB for the Python steps, the checks and
                # publication: [schema, name] asset keys are the relations.
                tables = sorted(
                    ".".join(key.path) for key in context.selected_asset_keys if len(key.path) == 2
                )
                with warehouse.connect() as con:
                    counts = pull_tables(con, spark, warehouse.spark_dir, tables, CONTRACT_TYPES)
                context.log.info(f"spark: {len(counts)} relations copied into the warehouse")
        except Exception as exc:  # what dbt built before it failed is still reported
            failure = exc
        finally:
            # Also when a failing test stops dbt build: the verdict is what people need to see.
            with warehouse.connect() as con:
                record_dbt_tests(con, context.run_id, verdicts)
                described = list(with_table_metadata(events, _manifest(), con))
        yield from described
        if failure is not None:
            raise failure

    return _dbt_stage


@cache
def _manifest() -> dict[str, Any]:
    return json.loads(Path(dbt_project.manifest_path).read_text())


def _python_deps() -> dict[str, set[dg.AssetKey]]:
    from dagster_project.scoring.assets import scoring_assets

    return {
        key.path[-1]: set(asset.asset_deps[key])
        for asset in scoring_assets
        for key in asset.keys
        if key.path[:1] == [SCORING_SOURCE]
    }


def contract_types(manifest: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """schema.name -> {column: DuckDB type} of every model column whose yml gives a data_type."""
    return {
        f"{node['schema']}.{node['alias']}": {
            name: column["data_type"]
            for name, column in node["columns"].items()
            if column.get("data_type")
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and any(c.get("data_type") for c in node["columns"].values())
    }


CONTRACT_TYPES = contract_types(_manifest())
dbt_model_assets = [
    build_dbt_stage(name, select, exclude, stage_sources(_manifest(), select))
    for name, select, exclude in stage_selections(
        scoring_source_levels(_manifest(), _python_deps())
    )
]
