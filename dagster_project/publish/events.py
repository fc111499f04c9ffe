"""Publications made outside a run (a rollback) recorded on published_marts in Dagster.

The UI then shows the version and as-of date actually served, not the last run's.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project.publish.versions import Version

PUBLISHED_MARTS_KEY = dg.AssetKey("published_marts")


def record_publication(data_dir: Path, version: Version, reason: str) -> None:
    """A materialisation of published_marts, without a run, for the version now served."""
    from dagster_project.ops.instance import instance_for

    instance = instance_for(data_dir)
    try:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(
                asset_key=PUBLISHED_MARTS_KEY,
                description=f"{reason}: version {version.version_id} served",
                metadata={
                    "version": version.version_id,
                    "as_of": version.as_of,
                    "served": True,
                    "reason": reason,
                    "tables": dg.MetadataValue.json(version.tables),
                    "checks": dg.MetadataValue.json(version.checks),
                    "path": dg.MetadataValue.path(str(data_dir / "analytics.duckdb")),
                },
            )
        )
    finally:
        instance.dispose()
