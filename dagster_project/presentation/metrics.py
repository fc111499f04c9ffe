"""The scorecard's metrics as Figure A shows them: read from the dbt seed scorecard_metrics.

The seed is the one list of labels, sections, order and what each count counts; dbt
publishes it joined to the scorecard (mart scorecard_labelled) and Python reads the same CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dagster_project.transform.dbt_files import seed_rows

SEED = "scorecard_metrics"


@dataclass(frozen=True)
class Metric:
    metric: str
    section: str
    section_title: str
    display_order: int
    label: str
    unit: str
    counted: str
    description: str


@cache
def scorecard_metrics() -> dict[str, Metric]:
    """Metric code -> its presentation, in display order."""
    metrics = [
        Metric(
            metric=row["metric"],
            section=row["section"],
            section_title=row["section_title"],
            display_order=int(row["display_order"]),
            label=row["label"],
            unit=row["unit"],
            counted=row["counted"],
            description=row["description"],
        )
        for row in seed_rows(SEED)
    ]
    return {m.metric: m for m in sorted(metrics, key=lambda m: m.display_order)}


def metric(code: str, section: str = "", unit: str = "") -> Metric:
    """A metric's presentation; a code the seed lacks (a new metric, before its seed row) is
    shown by its code after the known ones (the dbt test scorecard_metrics_cover_the_scorecard
    fails the run meanwhile)."""
    known = scorecard_metrics().get(code)
    if known is not None:
        return known
    return Metric(code, section, section, 10**6, code, unit, "", "")


def section_order() -> list[str]:
    """Sections in the order of their first metric."""
    return list(dict.fromkeys(m.section for m in scorecard_metrics().values()))
