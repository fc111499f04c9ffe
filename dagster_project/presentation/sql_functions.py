"""The presentation layer's formatter as a SQL function, so a mart's display text is written by
the same code as `iom scorecard` and the report (presentation/format.py), not copied into SQL.

`scorecard_display_text(unit, value, value_label, numerator, denominator, counted)` is the
exact (unsuppressed) text `iom scorecard` prints for one scorecard row. dbt-duckdb registers it
through the plugin in presentation/duckdb_plugin.py (dbt/profiles.yml, `plugins`), the spark
engine on its session (transform/spark.py). The mart figure_a stores its result, so readers
of the published copy need no function. No engine is imported here: Spark's Python workers
import this module to run the function.
"""

from __future__ import annotations

from typing import Any

from dagster_project.presentation.format import scorecard_value

DISPLAY_TEXT_FUNCTION = "scorecard_display_text"
DISPLAY_TEXT_PARAMETERS = ["VARCHAR", "DOUBLE", "VARCHAR", "DOUBLE", "DOUBLE", "VARCHAR"]


def scorecard_display_text(
    unit: str | None,
    value: float | None,
    value_label: str | None,
    numerator: float | None,
    denominator: float | None,
    counted: str | None,
) -> str:
    """One scorecard row as `iom scorecard` prints it (no suppression: analysts' figures)."""
    row: dict[str, Any] = {
        "unit": unit,
        "value": value,
        "value_label": value_label,
        "numerator": numerator,
        "denominator": denominator,
    }
    return scorecard_value(row, counted or "")
