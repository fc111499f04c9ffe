"""Reads one feed file against the contract: good rows typed and pseudonymised, bad rows rejected.

Nothing here keeps a value of a rejected row: a rejection says where (line, column) and why.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dagster_project.ingest.contract import Column, Feed, Kind, file_sha256
from dagster_project.resources import FileEntry

OPEN_ENDED = date.max
# DuckDB `integer` (the type raw tables cast to) is 32 bits: a larger value would stop the load.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# ASCII digits only: int() also takes "١٢", "1_000" and " 12 ", which DuckDB would not.
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
# No contract field comes near either limit; a longer one is a broken record, not data.
MAX_FIELD_CHARS = 131_072
MAX_LINE_BYTES = 1 << 20
# How files that are not text at all begin: zip (xlsx, docx), OLE (xls), PDF, gzip.
_BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b")


class FeedFileError(Exception):
    """The whole file is unusable (missing, wrong header, manifest mismatch): the run fails."""


@dataclass(frozen=True)
class Rejection:
    line: int
    column: str
    reason: str


@dataclass
class ValidatedFeed:
    """The good rows of a feed as columns of text (cast to types in DuckDB), plus rejections."""

    feed: Feed
    rows_in: int
    # The good rows not handed to a sink (all of them when read_feed has none).
    columns: dict[str, list[str | None]]
    rows_loaded: int
    rejections: list[Rejection] = field(default_factory=list)
    # Of the file as read, kept for the load log so the file is not read a second time.
    sha256: str = ""

    @property
    def bad_row_share(self) -> float:
        return len(self.rejections) / self.rows_in if self.rows_in else 0.0


Pseudonymise = Callable[[str, str], str]
# Receives good rows as columns of text, a chunk at a time, in line order.
RowSink = Callable[[dict[str, list[str | None]]], None]
# Good rows held before they go to the sink: bounds ingestion's memory on national-size feeds.
SINK_CHUNK_ROWS = 250_000


def _parse_date(text: str) -> date | None:
    # fromisoformat also accepts "20180101" and week dates; the contract is YYYY-MM-DD only.
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _check_value(column: Column, text: str, extract_date: date) -> str | None:
    """Why a single value breaks the contract, or None when it is fine."""
    if text == "":
        return "missing required value" if column.required else None
    if column.kind is Kind.DATE:
        parsed = _parse_date(text)
        if parsed is None:
            return "unparseable date (expected YYYY-MM-DD)"
        if column.event_date and parsed > extract_date:
            return "event date after the extract date"
    elif column.kind is Kind.INTEGER:
        try:
            number = int(text)
        except ValueError:
            return "not an integer"
        if not _INTEGER_TEXT.fullmatch(text):
            return "not an integer (ASCII digits only)"
        if not INT32_MIN <= number <= INT32_MAX:
            return "integer out of range (32-bit)"
        if column.minimum is not None and number < column.minimum:
            return f"below the minimum of {column.minimum}"
        if column.maximum is not None and number > column.maximum:
            return f"above the maximum of {column.maximum}"
    elif column.kind is Kind.ENUM and text not in column.allowed:
        noun = "offence code" if column.name == "offence_code" else "value"
        return f"unknown {noun} (allowed: {', '.join(column.allowed)})"
    return None


def _row_rule(feed: Feed, row: Mapping[str, str]) -> Rejection | None:
    """Rules between columns of one row; returns a rejection with line 0 (filled in later)."""
    if feed.name == "iom_register":
        if row["exit_date"] and row["exit_date"] < row["entry_date"]:
            return Rejection(0, "exit_date", "exit before entry")
        if row["exit_date"] and not row["exit_reason"]:
            return Rejection(0, "exit_reason", "missing exit_reason on an exited spell")
        if row["exit_reason"] and not row["exit_date"]:
            return Rejection(0, "exit_reason", "exit_reason on an open spell (no exit_date)")
        if row["exit_reason"] == "WASHOUT" and row["scheme"] != "DV":
            return Rejection(0, "exit_reason", "WASHOUT applies to DV spells only")
    elif feed.name == "convictions":
        if row["offence_date"] > row["conviction_date"]:
            return Rejection(0, "offence_date", "offence after conviction")
    elif feed.name == "custody_episodes":
        start = row["custody_start_date"]
        if row["actual_release_date"] and row["actual_release_date"] < start:
            return Rejection(0, "actual_release_date", "release before custody start")
        if row["earliest_release_date"] < start:
            return Rejection(0, "earliest_release_date", "earliest release before custody start")
        if row["actual_release_date"] and not row["release_type"]:
            return Rejection(0, "release_type", "missing release_type on a released episode")
        if row["release_type"] and not row["actual_release_date"]:
            return Rejection(0, "release_type", "release_type while still in custody")
    elif (
        feed.name == "idva_cases"
        and row["closure_date"]
        and row["closure_date"] < row["referral_date"]
    ):
        return Rejection(0, "closure_date", "closure before referral")
    return None


def _overlapping_spells(rows: Iterable[tuple[int, Mapping[str, str]]]) -> list[Rejection]:
    """Spells of one nominal must not overlap: the later-starting spell of a pair is rejected."""
    by_nominal: dict[str, list[tuple[str, int, Mapping[str, str]]]] = {}
    for line, row in rows:
        by_nominal.setdefault(row["nominal_key"], []).append((row["entry_date"], line, row))
    rejections = []
    for spells in by_nominal.values():
        kept_until = ""
        for entry, line, row in sorted(spells, key=lambda s: (s[0], s[1])):
            # A spell may start on the day the previous one ended (e.g. a DV washout to GENERIC).
            if kept_until and entry < kept_until:
                rejections.append(Rejection(line, "entry_date", "overlaps an earlier spell"))
                continue
            end = row["exit_date"] or OPEN_ENDED.isoformat()
            kept_until = max(kept_until, end)
    return rejections


class _PhysicalLines:
    """A feed's lines as text for csv.reader; what could not be read is noted by line number.

    Bad UTF-8 becomes U+FFFD in the text and its byte offset in the file is kept; a line over
    MAX_LINE_BYTES is skipped whole (never held in memory) and replaced by an empty line. The
    row it belonged to is then quarantined: one bad value never stops the file.
    """

    def __init__(self, handle) -> None:
        self.handle = handle
        self.number = 0
        self.offset = 0
        self.bad_byte_at: dict[int, int] = {}
        self.too_long: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        while raw := self.handle.readline(MAX_LINE_BYTES + 1):
            self.number += 1
            start = self.offset
            self.offset += len(raw)
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := self.handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    self.offset += len(rest)
                self.offset += len(rest)
                self.too_long.add(self.number)
                yield "\n"
                continue
            if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
                # Excel's "CSV UTF-8" starts with a byte order mark: not part of the header.
                raw, start = raw[len(codecs.BOM_UTF8) :], start + len(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad_byte_at[self.number] = start + exc.start
                yield raw.decode("utf-8", errors="replace")

    def problem(self, first: int, last: int) -> str | None:
        """Why the physical lines first..last (one record) could not be read, if they could not."""
        for number in range(first, last + 1):
            if number in self.too_long:
                return f"line longer than {MAX_LINE_BYTES} bytes"
            if number in self.bad_byte_at:
                return f"not valid UTF-8 (byte offset {self.bad_byte_at[number]})"
        return None


def _refuse_unsafe_file(path: Path, name: str) -> None:
    """Only a regular file, never followed through a link (it could point anywhere)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise FeedFileError(f"{name}: file missing from the landing folder {path.parent}") from None
    if stat.S_ISLNK(info.st_mode):
        raise FeedFileError(f"{name}: is a symbolic link; the landing folder takes real files only")
    if not stat.S_ISREG(info.st_mode):
        raise FeedFileError(f"{name}: not a regular file (a folder, pipe or device); refused")


def _refuse_binary(path: Path, name: str) -> None:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(_BINARY_SIGNATURES) or b"\x00" in head:
        raise FeedFileError(
            f"{name}: not a text CSV file (binary content, e.g. a zip or Excel workbook "
            "saved under a .csv name): export it as CSV (UTF-8) and land it again"
        )


def _header_problem(feed: Feed, found: list[str]) -> str:
    """What is wrong with a header, naming contract columns only: the found text could be data."""
    expected = feed.header
    known = [c for c in found if c in expected]
    if not known:
        return (
            f"no header row: none of the {len(found)} fields of line 1 is a column of the "
            f"contract (expected {','.join(expected)})"
        )
    missing = [c for c in expected if c not in found]
    unexpected = len(found) - len(known)
    parts = [f"expected {','.join(expected)}"]
    if missing:
        parts.append(f"missing {','.join(missing)}")
    if unexpected:
        parts.append(f"{unexpected} field(s) that are not contract columns")
    if not missing and not unexpected:
        moved = [c for i, c in enumerate(found) if i >= len(expected) or expected[i] != c]
        parts.append(f"columns out of order or repeated: {','.join(dict.fromkeys(moved))}")
    return "; ".join(parts)


def read_feed(
    path: Path,
    feed: Feed,
    manifest_entry: FileEntry | None,
    extract_date: date,
    pseudonymise: Pseudonymise,
    parent_keys: Mapping[str, set[str]],
    sink: RowSink | None = None,
) -> ValidatedFeed:
    """Validate one feed file; raise FeedFileError when the file as a whole is unusable.

    With a sink, good rows go to it every SINK_CHUNK_ROWS rows and at the end, so memory holds
    one chunk whatever the file's size; without one, they are all in the result's columns.
    """
    name = feed.file_name
    _refuse_unsafe_file(path, name)
    if manifest_entry is None:
        raise FeedFileError(f"{name}: not listed in the landing folder's _manifest.json")
    actual_hash = file_sha256(path)
    if actual_hash != manifest_entry.sha256:
        raise FeedFileError(f"{name}: sha256 does not match the manifest (file changed in transit)")
    _refuse_binary(path, name)

    pseudonym_cache: dict[tuple[str, str], str] = {}

    def key_for(column: Column, value: str) -> str:
        cache_key = (column.pseudonym or "", value)
        if cache_key not in pseudonym_cache:
            pseudonym_cache[cache_key] = pseudonymise(column.pseudonym or "", value)
        return pseudonym_cache[cache_key]

    out_names = [c.pseudonym or c.name for c in feed.columns]
    columns: dict[str, list[str | None]] = {name: [] for name in [*out_names, "source_line"]}
    rows_loaded = 0

    def flush() -> None:
        if sink is not None and columns["source_line"]:
            sink(columns)
            for values in columns.values():
                values.clear()

    def keep(line: int, row: Mapping[str, str]) -> None:
        nonlocal rows_loaded
        for out in out_names:
            columns[out].append(row[out] or None)
        columns["source_line"].append(str(line))
        rows_loaded += 1
        if len(columns["source_line"]) >= SINK_CHUNK_ROWS:
            flush()

    # Good rows go straight into columns (no row dicts held: a third of the peak memory on
    # large feeds), except spells, whose overlaps can only be judged once all are read.
    held_spells: list[tuple[int, dict[str, str]]] = []
    rejections: list[Rejection] = []
    # A one-column key is held as its string: a tuple each would cost a third more memory
    # across tens of millions of rows.
    seen_keys: set[str | tuple[str, ...]] = set()
    rows_in = 0
    csv.field_size_limit(MAX_FIELD_CHARS)
    with path.open("rb") as handle:
        lines = _PhysicalLines(handle)
        reader = csv.reader(lines)
        try:
            header = next(reader, None)
        except csv.Error:
            header = None
        header_problem = lines.problem(1, max(reader.line_num, 1))
        if header_problem:
            raise FeedFileError(f"{name}: header line unreadable ({header_problem})")
        if header != feed.header:
            raise FeedFileError(f"{name}: wrong header ({_header_problem(feed, header or [])})")
        width = len(feed.columns)
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader, None)
            except csv.Error as exc:
                # The csv module's messages name the limit or character class, never the text.
                rows_in += 1
                rejections.append(Rejection(line, "*", f"unreadable CSV record ({exc})"))
                continue
            if record is None:
                break
            rows_in += 1
            problem = lines.problem(line, reader.line_num)
            if problem:
                bad = [i for i, text in enumerate(record) if "\ufffd" in text]
                column = feed.columns[bad[0]].name if bad and len(record) == width else "*"
                rejections.append(Rejection(line, column, problem))
                continue
            if len(record) != width:
                rejections.append(
                    Rejection(line, "*", f"expected {width} fields, found {len(record)}")
                )
                continue
            rejection = None
            for column, text in zip(feed.columns, record, strict=True):
                reason = _check_value(column, text, extract_date)
                if reason:
                    rejection = Rejection(line, column.name, reason)
                    break
            raw = dict(zip(feed.header, record, strict=True))
            if rejection is None:
                rule = _row_rule(feed, raw)
                if rule:
                    rejection = Rejection(line, rule.column, rule.reason)
            if rejection is None:
                key = raw[feed.key[0]] if len(feed.key) == 1 else tuple(raw[k] for k in feed.key)
                if key in seen_keys:
                    rejection = Rejection(line, ",".join(feed.key), "duplicate key")
                else:
                    seen_keys.add(key)
            if rejection is None:
                row = {
                    out: key_for(col, raw[col.name]) if col.pseudonym else raw[col.name]
                    for col, out in zip(feed.columns, out_names, strict=True)
                }
                for fk in feed.foreign_keys:
                    fk_out = feed.column(fk.column).pseudonym or fk.column
                    if row[fk_out] not in parent_keys[fk.parent_feed]:
                        rejection = Rejection(
                            line, fk.column, f"orphan: no matching row in {fk.parent_feed}"
                        )
                        break
            if rejection is not None:
                rejections.append(rejection)
            elif feed.name == "iom_register":
                held_spells.append((line, row))
            else:
                keep(line, row)

    if rows_in != manifest_entry.rows:
        raise FeedFileError(
            f"{name}: {rows_in} data rows but the manifest says {manifest_entry.rows}"
        )
    overlaps = _overlapping_spells(held_spells)
    dropped = {r.line for r in overlaps}
    for line, row in held_spells:
        if line not in dropped:
            keep(line, row)
    flush()
    rejections.extend(overlaps)
    rejections.sort(key=lambda r: r.line)
    return ValidatedFeed(
        feed=feed,
        rows_in=rows_in,
        columns=columns,
        rows_loaded=rows_loaded,
        rejections=rejections,
        sha256=actual_hash,
    )
