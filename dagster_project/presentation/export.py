"""Query results and whole published versions as files analysts open: CSV, JSON, Excel.

Values keep their types: integers as numbers, dates as dates (ISO text in CSV and JSON,
real dates in Excel). The writer for Excel is openpyxl (DuckDB's excel extension cannot be
downloaded on a closed network).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dagster_project.publish.published import connect_locked
from dagster_project.publish.versions import ANALYTICS_FILE, Version

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
README_SHEET = "README"
# Excel's own limits: a sheet name is at most 31 characters, a sheet at most 1,048,576 rows.
MAX_SHEET_NAME = 31
MAX_SHEET_ROWS = 1_048_576


class ExportTooLargeError(Exception):
    """A table has more rows than an Excel sheet can hold."""


def _plain(value: Any) -> Any:
    """A value JSON and CSV can carry: dates as ISO text, decimals as numbers."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_csv(columns: Sequence[str], rows: Sequence[tuple]) -> str:
    """CSV with a header; NULL is an empty field (what DuckDB's read_csv reads back as NULL)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
    return buffer.getvalue()


def to_json(columns: Sequence[str], rows: Sequence[tuple]) -> str:
    """A JSON array with one object per row (read_json reads it back as the same rows)."""
    records = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return value


def _add_sheet(book: Workbook, name: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    if len(rows) + 1 > MAX_SHEET_ROWS:
        raise ExportTooLargeError(
            f"{name} has {len(rows):,} rows, more than an Excel sheet holds: "
            "export it as CSV or read the Parquet file instead"
        )
    sheet = book.create_sheet(name[:MAX_SHEET_NAME])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def write_xlsx_result(path: Path, columns: Sequence[str], rows: Sequence[tuple]) -> Path:
    """One query result as a workbook with one sheet, `result`."""
    book = Workbook(write_only=True)
    _add_sheet(book, "result", columns, rows)
    book.save(path)
    return path


def readme_rows(version: Version | None, tables: dict[str, int]) -> list[tuple[str, Any]]:
    """What the README sheet says: which version this is, as of when, and how checks went."""
    rows: list[tuple[str, Any]] = [
        ("what", "The published IOM marts, one sheet per mart; definitions in docs/metrics.md"),
    ]
    if version is not None:
        checks = version.checks
        rows += [
            ("version", version.version_id),
            ("as_of", date.fromisoformat(version.as_of)),
            ("extract_date", date.fromisoformat(version.extract_date))
            if version.extract_date
            else ("extract_date", None),
            ("run_id", version.run_id),
            ("published_at", version.created_at),
            ("checks_passed", checks.get("passed", 0)),
            ("checks_warned", checks.get("warned", 0)),
            ("checks_failed", checks.get("failed", 0)),
        ]
    rows += [(f"rows in {name}", count) for name, count in sorted(tables.items())]
    return rows


def export_version(analytics_path: Path, version: Version | None, out: Path) -> dict[str, int]:
    """Every published mart of one copy as a sheet of `out`, after a README sheet."""
    con = connect_locked(analytics_path)
    tables: dict[str, int] = {}
    book = Workbook(write_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        results = {}
        for name in names:
            cursor = con.execute(f'select * from marts."{name}"')
            results[name] = ([d[0] for d in cursor.description], cursor.fetchall())
            tables[name] = len(results[name][1])
    finally:
        con.close()
    _add_sheet(book, README_SHEET, ["item", "value"], readme_rows(version, tables))
    for name, (columns, rows) in results.items():
        _add_sheet(book, name, columns, rows)
    book.save(out)
    return tables


def version_of(analytics_path: Path) -> Version | None:
    """The version a published copy came from: its folder, or the served copy's marts link."""
    folder = analytics_path.parent
    if (folder / "version.json").is_file():
        return Version.load(folder)
    link = folder / "marts"
    if analytics_path.name == ANALYTICS_FILE and link.is_symlink():
        return Version.load(link.resolve().parent)
    return None
