"""Reads the published marts for the report: read only, and tolerant of marts not built yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project.publish.published import NotPublishedError, open_published
from dagster_project.publish.versions import UnknownVersionError

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


def load_published(data_dir: Path, as_of: date | None = None) -> PublishedMarts:
    """The served version (or the newest one as of a date), through the one audited read path."""
    detail = f"report as of {as_of}" if as_of else "report"
    try:
        with open_published(data_dir, "report", detail, as_of=as_of) as read:
            version = read.version
            marts = PublishedMarts(
                path=version.analytics_path,
                as_of=date.fromisoformat(version.as_of),
                version_id=version.version_id,
            )
            present = {
                r[0]
                for r in read.con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            }
            for name in REPORT_MARTS:
                if name in present:
                    marts.tables[name] = read.con.execute(f"select * from marts.{name}").fetchdf()
            read.rows_returned = sum(len(t) for t in marts.tables.values())
    except (NotPublishedError, UnknownVersionError) as exc:
        raise ReportSourceError(str(exc)) from exc
    return marts
