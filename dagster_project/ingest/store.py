"""Writes a validated feed into the warehouse: raw table, quarantine rows, load log."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from dagster_project.ingest.contract import Feed, Kind
from dagster_project.ingest.validate import ValidatedFeed

SCHEMA_DDL = """
create schema if not exists raw;
create schema if not exists quarantine;
create table if not exists quarantine.rejected_rows (
    run_id varchar not null,
    feed varchar not null,
    file varchar not null,
    line integer not null,
    column_name varchar not null,
    reason varchar not null,
    extract_date date not null,
    quarantined_at timestamp not null default current_timestamp
);
create table if not exists raw.feed_loads (
    run_id varchar not null,
    feed varchar not null,
    file varchar not null,
    extract_date date not null,
    sha256 varchar not null,
    rows_in integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    loaded_at timestamp not null default current_timestamp
);
"""

_SQL_TYPES = {Kind.DATE: "date", Kind.INTEGER: "integer"}


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_DDL)


def parent_keys(con: duckdb.DuckDBPyConnection, feed: Feed) -> dict[str, set[str]]:
    """Keys already loaded in the parent feeds this feed refers to."""
    keys: dict[str, set[str]] = {}
    for fk in feed.foreign_keys:
        key_column = feed.column(fk.column).pseudonym or fk.column
        rows = con.execute(f"select distinct {key_column} from raw.{fk.parent_feed}").fetchall()
        keys[fk.parent_feed] = {r[0] for r in rows}
    return keys


def record_quarantine(
    con: duckdb.DuckDBPyConnection, run_id: str, validated: ValidatedFeed, extract_date: date
) -> None:
    if not validated.rejections:
        return
    frame = pd.DataFrame(
        {
            "line": [r.line for r in validated.rejections],
            "column_name": [r.column for r in validated.rejections],
            "reason": [r.reason for r in validated.rejections],
        }
    )
    con.register("rejections", frame)
    con.execute(
        """
        insert into quarantine.rejected_rows
            (run_id, feed, file, line, column_name, reason, extract_date)
        select ?, ?, ?, line, column_name, reason, ? from rejections
        """,
        [run_id, validated.feed.name, validated.feed.file_name, extract_date],
    )
    con.unregister("rejections")


def record_load(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    validated: ValidatedFeed,
    extract_date: date,
    sha256: str,
) -> None:
    con.execute(
        """
        insert into raw.feed_loads
            (run_id, feed, file, extract_date, sha256, rows_in, rows_loaded, rows_quarantined)
        values (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            run_id,
            validated.feed.name,
            validated.feed.file_name,
            extract_date,
            sha256,
            validated.rows_in,
            validated.rows_loaded,
            len(validated.rejections),
        ],
    )


class RawTableWriter:
    """Builds a feed's raw table from chunks of good rows, then swaps it in whole.

    The nightly extract is a full snapshot, so the raw table is replaced: chunks are appended,
    typed, to raw._loading_<feed>, which takes the raw table's place only when the feed has
    passed (`replace`); until then the previous raw table stands. Used as a context manager:
    leaving it without `replace` (a failed feed, an error) drops the half-built table.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
        self.con, self.feed = con, feed
        self.loading = f"raw._loading_{feed.name}"
        typed = [
            # Text is typed too: an empty feed would otherwise give columns of type NULL.
            (column.pseudonym or column.name, _SQL_TYPES.get(column.kind, "varchar"))
            for column in feed.columns
        ]
        self._selects = [f"cast({name} as {sql_type}) as {name}" for name, sql_type in typed]
        self._selects.append("cast(source_line as integer) as source_line")
        definitions = ", ".join(f"{name} {sql_type}" for name, sql_type in typed)
        con.execute(f"create or replace table {self.loading} ({definitions}, source_line integer)")

    def append(self, columns: dict[str, list[str | None]]) -> None:
        frame = pd.DataFrame(columns, dtype=object)
        self.con.register("validated_rows", frame)
        try:
            # Chunks come in line order, so the table is in source_line order.
            self.con.execute(
                f"insert into {self.loading} select {', '.join(self._selects)} from validated_rows"
            )
        finally:
            self.con.unregister("validated_rows")

    def __enter__(self) -> RawTableWriter:
        return self

    def __exit__(self, *_: object) -> None:
        # After replace() the loading table has become the raw table: nothing is left to drop.
        self.con.execute(f"drop table if exists {self.loading}")

    def replace(self) -> None:
        self.con.execute("begin transaction")
        try:
            self.con.execute(f"drop table if exists raw.{self.feed.name}")
            self.con.execute(f"alter table {self.loading} rename to {self.feed.name}")
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")
