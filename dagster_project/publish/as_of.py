"""Which as-of date a publication carries: the one the marts were built at, never a mix.

Materialising published_marts alone (from the UI) must not label marts built as of one date
with another: without an explicit as-of it takes the marts' own; an explicit one that
differs is refused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb


class MixedAsOfError(Exception):
    """The marts were built as of one date and the run asks to publish them as of another."""


def marts_as_of(warehouse_path: Path) -> date | None:
    """The as-of date the warehouse's scorecard was built at (None if there is none yet)."""
    # Attached read-only from an in-memory session, as build_version reads it.
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse_path}' as warehouse (read_only)")
        present = con.execute(
            "select count(*) from information_schema.columns where table_catalog = 'warehouse' "
            "and table_schema = 'marts' and table_name = 'scorecard' and column_name = 'as_of'"
        ).fetchone()[0]
        if not present:
            return None
        dates = [
            r[0]
            for r in con.execute("select distinct as_of from warehouse.marts.scorecard").fetchall()
        ]
    finally:
        con.close()
    if len(dates) > 1:
        raise MixedAsOfError(f"marts.scorecard holds {len(dates)} as-of dates: rebuild it")
    return dates[0] if dates else None


def publication_as_of(built: date | None, requested: date | None, default: date) -> date:
    """The as-of to publish under: the marts' own unless an explicit request contradicts it."""
    if built is None:
        return requested or default
    if requested is not None and requested != built:
        raise MixedAsOfError(
            f"the marts were built as of {built}, not {requested}: materialise the whole job "
            f"with as_of {requested}, or publish without setting as_of"
        )
    return built
