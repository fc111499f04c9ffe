"""Read-only access to the published marts (never the warehouse being built)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


class NotPublishedError(Exception):
    """No run has published the marts yet."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]


def connect_published(analytics_path: Path) -> duckdb.DuckDBPyConnection:
    if not analytics_path.is_file():
        raise NotPublishedError(
            f"{analytics_path} does not exist yet: run `iom run` (or `make demo`) first"
        )
    return duckdb.connect(str(analytics_path), read_only=True)


def run_query(analytics_path: Path, sql: str) -> QueryResult:
    con = connect_published(analytics_path)
    try:
        con.execute("use marts")
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return QueryResult(columns=columns, rows=cursor.fetchall() if columns else [])
    finally:
        con.close()


def format_table(columns: list[str], rows: list[tuple]) -> str:
    """A plain-text table: what analysts see in a terminal."""
    text_rows = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in text_rows)]) for i, c in enumerate(columns)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in text_rows]
    return "\n".join(lines)
