"""One Dagster asset per source feed: validate, pseudonymise, quarantine, load."""

import dagster as dg

from dagster_project.ingest.contract import Feed, feeds
from dagster_project.ingest.store import (
    RawTableWriter,
    ensure_schemas,
    parent_keys,
    record_load,
    record_quarantine,
)
from dagster_project.ingest.validate import FeedFileError, read_feed
from dagster_project.ops.faults import checkpoint
from dagster_project.quality.results import CheckOutcome
from dagster_project.quality.results import record as record_check
from dagster_project.resources import (
    LandingResource,
    ManifestError,
    PseudonymiserResource,
    RunLockResource,
    RunSettingsResource,
    WarehouseResource,
)

RAW_GROUP = "raw_feeds"


def load_feed(
    context: dg.AssetExecutionContext,
    feed: Feed,
    warehouse: WarehouseResource,
    landing: LandingResource,
    pseudonymiser: PseudonymiserResource,
    run_settings: RunSettingsResource,
) -> dg.MaterializeResult:
    try:
        manifest = landing.manifest()
    except ManifestError as exc:
        raise dg.Failure(description=str(exc)) from exc
    if pseudonymiser.uses_demo_key:
        context.log.warning(
            "Pseudonymising with the public DEMO key: set IOM_PSEUDONYM_KEY for real data."
        )
    path = landing.root / feed.file_name
    checkpoint("ingest")
    with warehouse.connect() as con:
        ensure_schemas(con)
        # Whatever stops the load before replace(), the half-built table goes with the writer.
        with RawTableWriter(con, feed) as writer:
            try:
                validated = read_feed(
                    path,
                    feed,
                    manifest.files.get(feed.file_name),
                    manifest.extract_date,
                    pseudonymiser.pseudonymise,
                    parent_keys(con, feed),
                    sink=writer.append,
                )
            except FeedFileError as exc:
                raise dg.Failure(description=str(exc)) from exc
            record_quarantine(con, context.run_id, validated, manifest.extract_date)
            if validated.bad_row_share > run_settings.max_bad_row_share:
                # The asset fails, so its quarantine_share check never runs: record it here.
                record_check(
                    con,
                    context.run_id,
                    [
                        CheckOutcome(
                            f"raw/{feed.name}",
                            "quarantine_share",
                            "ERROR",
                            False,
                            f"{validated.bad_row_share:.2%} quarantined "
                            f"(limit {run_settings.max_bad_row_share:.0%})",
                        )
                    ],
                )
                raise dg.Failure(
                    description=(
                        f"{feed.file_name}: {len(validated.rejections)} of "
                        f"{validated.rows_in} rows ({validated.bad_row_share:.1%}) broke the "
                        f"contract, over the limit of {run_settings.max_bad_row_share:.0%}; "
                        "see quarantine.rejected_rows"
                    )
                )
            writer.replace()
        record_load(con, context.run_id, validated, manifest.extract_date, validated.sha256)
    reasons: dict[str, int] = {}
    for rejection in validated.rejections:
        reasons[rejection.reason] = reasons.get(rejection.reason, 0) + 1
    if validated.rejections:
        context.log.warning(
            f"{feed.file_name}: {len(validated.rejections)} rows quarantined "
            f"({'; '.join(f'{k}: {v}' for k, v in sorted(reasons.items()))})"
        )
    return dg.MaterializeResult(
        metadata={
            "file": feed.file_name,
            "extract_date": manifest.extract_date.isoformat(),
            "rows_in": validated.rows_in,
            "rows_loaded": validated.rows_loaded,
            "rows_quarantined": len(validated.rejections),
            "quarantine_reasons": dg.MetadataValue.json(reasons),
            "dagster/row_count": validated.rows_loaded,
        }
    )


def build_feed_asset(feed: Feed) -> dg.AssetsDefinition:
    parents = sorted({fk.parent_feed for fk in feed.foreign_keys})

    @dg.asset(
        name=feed.name,
        key_prefix="raw",
        group_name=RAW_GROUP,
        kinds={"python", "duckdb"},
        deps=[dg.AssetKey(["raw", parent]) for parent in parents],
        description=(
            f"{feed.description} Loaded from {feed.file_name} ({feed.source_system}); "
            "identifiers pseudonymised, contract breaches quarantined."
        ),
    )
    def _feed_asset(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingResource,
        pseudonymiser: PseudonymiserResource,
        run_settings: RunSettingsResource,
        run_lock: RunLockResource,  # held for the whole run (one writer per data dir)
    ) -> dg.MaterializeResult:
        return load_feed(context, feed, warehouse, landing, pseudonymiser, run_settings)

    return _feed_asset


feed_assets = [build_feed_asset(feed) for feed in feeds()]

# raw.feed_loads is written by every feed asset (one row per feed per run); declared here so
# its node in the asset graph carries a description and shows which assets feed it.
feed_loads_spec = dg.AssetSpec(
    key=dg.AssetKey(["raw", "feed_loads"]),
    group_name=RAW_GROUP,
    kinds={"duckdb"},
    deps=[a.key for a in feed_assets],
    description=(
        "raw.feed_loads: one row per feed per run with the rows received, loaded and "
        "quarantined; written by the raw/<feed> assets as they load."
    ),
)
