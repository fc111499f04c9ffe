"""How the Python scoring assets hand their DataFrames to dbt: a typed warehouse table."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd


def replace_table_from_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    column_types: Mapping[str, str],
) -> None:
    """Write `frame` as `schema.table`, each column cast to its declared type, so the table's
    types never depend on what pandas inferred from one run's values (an all-null column)."""
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.register("scoring_frame", frame)
    try:
        columns = ", ".join(f"{name}::{kind} as {name}" for name, kind in column_types.items())
        con.execute(f"create or replace table {table} as select {columns} from scoring_frame")
    finally:
        con.unregister("scoring_frame")
