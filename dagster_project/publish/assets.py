"""The asset that publishes the marts, downstream of every mart and every blocking check."""

from datetime import date

import dagster as dg

from dagster_project.ingest.assets import feed_assets
from dagster_project.publish.as_of import MixedAsOfError, marts_as_of, publication_as_of
from dagster_project.publish.history import run_check_summary
from dagster_project.publish.versions import activate_version, build_version, prune_versions
from dagster_project.resources import (
    LandingResource,
    RunLockResource,
    RunSettingsResource,
    WarehouseResource,
)
from dagster_project.transform.assets import dbt_model_assets
from dagster_project.transform.dbt_vars import run_dbt_vars

PUBLISH_GROUP = "publication"


@dg.asset(
    key="published_marts",
    group_name=PUBLISH_GROUP,
    kinds={"duckdb", "parquet"},
    # Every upstream asset, not just the marts: any failure anywhere means nothing is published.
    deps=[*(a.key for a in feed_assets), *(k for stage in dbt_model_assets for k in stage.keys)],
    description=(
        "The marts as analysts read them: data/analytics.duckdb (schema marts) and "
        "data/marts/*.parquet, swapped in atomically as a new dated version; only runs "
        "when every upstream asset and blocking check succeeded."
    ),
)
def published_marts(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingResource,
    run_settings: RunSettingsResource,
    run_lock: RunLockResource,  # held for the whole run (one writer per data dir)
) -> dg.MaterializeResult:
    requested = date.fromisoformat(run_settings.as_of) if run_settings.as_of else None
    try:
        as_of = publication_as_of(
            marts_as_of(warehouse.warehouse_path), requested, run_settings.as_of_date(landing)
        )
    except MixedAsOfError as exc:
        raise dg.Failure(description=str(exc)) from exc
    checks = run_check_summary(context.instance, context.run_id)
    version = build_version(
        warehouse.warehouse_path,
        warehouse.root,
        context.run_id,
        as_of,
        checks,
        extract_date=landing.manifest().extract_date,
        dbt_vars=run_dbt_vars(as_of),
    )
    if run_settings.activate:
        activate_version(warehouse.root, version)
    removed = prune_versions(warehouse.root, keep=warehouse.keep_versions)
    served = "served" if run_settings.activate else "kept as history, not served"
    context.log.info(
        f"Published version {version.version_id} ({len(version.tables)} marts, {served})"
    )
    return dg.MaterializeResult(
        metadata={
            "version": version.version_id,
            "as_of": version.as_of,
            "served": run_settings.activate,
            "tables": dg.MetadataValue.json(version.tables),
            "checks": dg.MetadataValue.json(version.checks),
            "dbt_vars": dg.MetadataValue.json(version.dbt_vars or {}),
            "versions_pruned": len(removed),
            "path": dg.MetadataValue.path(str(warehouse.analytics_path)),
        }
    )
