"""The dbt-duckdb plugin that gives every connection dbt opens the presentation layer's SQL
functions (presentation/sql_functions.py); listed in dbt/profiles.yml, `plugins`."""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from dagster_project.presentation.sql_functions import (
    DISPLAY_TEXT_FUNCTION,
    DISPLAY_TEXT_PARAMETERS,
    scorecard_display_text,
)


class Plugin(BasePlugin):
    """Registers the presentation layer's SQL functions on each dbt connection."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        conn.create_function(
            DISPLAY_TEXT_FUNCTION,
            scorecard_display_text,
            DISPLAY_TEXT_PARAMETERS,  # type: ignore[arg-type]
            "VARCHAR",  # type: ignore[arg-type]
            null_handling="special",  # type: ignore[arg-type]
        )
