"""Reads the published marts for the report: read only, and tolerant of marts not built yet.

Most marts are read whole (they are aggregates already). Three are read as aggregates only,
so no row-level data about a person ever reaches the report: monthly_scores (the sum of the
on-IOM people's like-for-like scores and how many of them have a row, per month end),
selection_candidates (how many people are eligible) and selection_monthly (one row per month
end already).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from dagster_project.publish.published import NotPublishedError, open_published
from dagster_project.publish.versions import UnknownVersionError, list_versions

REPORT_MARTS = (
    "scorecard",
    "nominal_scores",
    "cohort_monthly",
    "monthly_scores",
    "release_forecast",
    "release_forecast_accuracy",
    "dv_outcomes",
    "dv_outcomes_publishable",
    "impact_evaluation",
    "selection_candidates",
    "selection_monthly",
)

# The marts read through an aggregate query instead of `select *` (one row per month end, or
# one row in all).
AGGREGATE_SQL = {
    "monthly_scores": (
        "select month_end, count(*) as scored_on_iom, sum(rrs_lfl) as rrs_lfl_sum "
        "from marts.monthly_scores where is_on_iom group by month_end order by month_end"
    ),
    "selection_candidates": "select count(*) as eligible from marts.selection_candidates",
}


class ReportSourceError(Exception):
    """There is no published copy to report on (or none for the requested as-of date)."""


@dataclass
class PublishedMarts:
    """The marts of one published version, each a DataFrame, or absent when not published."""

    path: Path
    as_of: date | None
    version_id: str | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The dbt vars recorded with the version (selection_threshold, evaluation_horizon_months).
    dbt_vars: dict[str, Any] = field(default_factory=dict)
    # The scorecard of the newest version published for an earlier as-of date, if any.
    previous_as_of: date | None = None
    previous_scorecard: pd.DataFrame | None = None

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
                dbt_vars=dict(version.dbt_vars or {}),
            )
            present = {
                r[0]
                for r in read.con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            }
            for name in REPORT_MARTS:
                if name in present:
                    sql = AGGREGATE_SQL.get(name, f"select * from marts.{name}")
                    marts.tables[name] = read.con.execute(sql).fetchdf()
            read.rows_returned = sum(len(t) for t in marts.tables.values())
    except (NotPublishedError, UnknownVersionError) as exc:
        raise ReportSourceError(str(exc)) from exc
    _load_previous(data_dir, marts)
    return marts


def _load_previous(data_dir: Path, marts: PublishedMarts) -> None:
    """The scorecard of the newest version with an earlier as-of date (month-on-month)."""
    if marts.as_of is None:
        return
    earlier = sorted(
        {v.as_of for v in list_versions(data_dir) if v.as_of < marts.as_of.isoformat()}
    )
    if not earlier:
        return
    previous = date.fromisoformat(earlier[-1])
    detail = f"report as of {marts.as_of}: previous scorecard"
    with open_published(data_dir, "report", detail, as_of=previous) as read:
        marts.previous_scorecard = read.con.execute("select * from marts.scorecard").fetchdf()
        read.rows_returned = len(marts.previous_scorecard)
    marts.previous_as_of = previous
