"""The one way anything of ours reads a published version: engine-locked, and audited.

`open_published` is the only function that opens a published copy for a person (`iom sql`,
scorecard, live-cohort, report, and any later read command). It opens the version's own
analytics.duckdb read only with DuckDB's `enable_external_access=false` and
`lock_configuration=true`, so no statement can read or write another file (read_text,
read_csv, glob, COPY ... TO, EXPORT), ATTACH another database, install or load an extension
from disk, or set either option back. Each read is written to the audit log when it ends,
with the rows returned (none recorded when it failed: an attempt is still an access).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.ops.audit import record_audit
from dagster_project.publish.versions import (
    Version,
    current_version,
    find_version,
    version_as_of,
)

# DuckDB 2.0 option names (duckdb_settings()); the database file itself stays readable.
ANALYST_CONFIG = {"enable_external_access": False, "lock_configuration": True}


class NotPublishedError(Exception):
    """No run has published the marts yet."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]


@dataclass
class PublishedRead:
    """An open, locked connection to one version; set `rows_returned` for the audit entry."""

    con: duckdb.DuckDBPyConnection
    version: Version
    rows_returned: int | None = None

    def query(self, sql: str, params: list | None = None) -> QueryResult:
        cursor = self.con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return QueryResult(columns=columns, rows=cursor.fetchall() if columns else [])


def resolve_version(
    data_dir: Path, version_ref: str | None = None, as_of: date | None = None
) -> Version:
    """The served version, or a named one (id or prefix), or the newest one for an as-of date."""
    if version_ref:
        return find_version(data_dir, version_ref)
    if as_of:
        return version_as_of(data_dir, as_of)
    version = current_version(data_dir)
    if version is None:
        raise NotPublishedError(
            f"nothing is published under {data_dir} yet: run `iom run` (or `make demo`) first"
        )
    return version


def connect_locked(analytics_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that can reach this one file and nothing else."""
    con = duckdb.connect(str(analytics_path), read_only=True, config=ANALYST_CONFIG)
    con.execute("use marts")
    return con


@contextmanager
def open_published(
    data_dir: Path,
    action: str,
    detail: str,
    version_ref: str | None = None,
    as_of: date | None = None,
) -> Iterator[PublishedRead]:
    """Open a published version for reading; audited as `action` when the block ends."""
    version = resolve_version(data_dir, version_ref, as_of)
    # The version folder, not data/analytics.duckdb: a swap during the read changes nothing.
    con = connect_locked(version.analytics_path)
    read = PublishedRead(con=con, version=version)
    try:
        yield read
    finally:
        con.close()
        record_audit(
            data_dir, action, f"[version {version.version_id}] {detail}", read.rows_returned
        )


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
