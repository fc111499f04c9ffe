"""Reads the published marts for the report: read only, and tolerant of marts not built yet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.publish.versions import ANALYTICS_FILE, MARTS_LINK, VERSION_INFO, list_versions

REPORT_MARTS = (
    "scorecard",
    "nominal_scores",
    "cohort_monthly",
    "release_forecast",
    "release_forecast_accuracy",
    "dv_outcomes",
    "dv_outcomes_publishable",
    "impact_evaluation",
)


class ReportSourceError(Exception):
    """There is no published copy to report on (or none for the requested as-of date)."""


@dataclass
class PublishedMarts:
    """The marts of one published version, each a DataFrame, or absent when not published."""

    path: Path
    as_of: date | None
    version_id: str | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


def analytics_file_for(data_dir: Path, as_of: date | None) -> Path:
    """The published copy to report on: the current one, or the newest version as of a date."""
    if as_of is None:
        path = data_dir / ANALYTICS_FILE
        if not path.is_file():
            raise ReportSourceError(f"{path} does not exist yet: run `iom run` first")
        return path
    for version in list_versions(data_dir):
        if version.as_of == as_of.isoformat():
            return version.path / ANALYTICS_FILE
    raise ReportSourceError(f"no published version as of {as_of} under {data_dir / 'versions'}")


def _version_info(data_dir: Path, analytics_path: Path) -> tuple[date | None, str | None]:
    """The as-of date and version id of a published file (its version.json)."""
    # The served copy is a file swapped in beside the versions; the marts link says which.
    link = data_dir / MARTS_LINK
    if analytics_path != data_dir / ANALYTICS_FILE:
        info_path = analytics_path.parent / VERSION_INFO
    elif link.is_symlink():
        info_path = link.resolve().parent / VERSION_INFO
    else:
        return None, None
    if not info_path.is_file():
        return None, None
    info = json.loads(info_path.read_text())
    return date.fromisoformat(info["as_of"]), info["version_id"]


def load_published(data_dir: Path, as_of: date | None = None) -> PublishedMarts:
    path = analytics_file_for(data_dir, as_of)
    version_as_of, version_id = _version_info(data_dir, path)
    marts = PublishedMarts(path=path, as_of=version_as_of, version_id=version_id)
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        for name in REPORT_MARTS:
            if name in present:
                marts.tables[name] = con.execute(f"select * from marts.{name}").fetchdf()
    finally:
        con.close()
    return marts
