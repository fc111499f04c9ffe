"""Reads one feed file against the contract: good rows typed and pseudonymised, bad rows rejected.

Nothing here keeps a value of a rejected row: a rejection says where (line, column) and why.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dagster_project.ingest.contract import Column, Feed, Kind, file_sha256
from dagster_project.resources import FileEntry

OPEN_ENDED = date.max


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
    columns: dict[str, list[str | None]]
    rejections: list[Rejection] = field(default_factory=list)
    # Of the file as read, kept for the load log so the file is not read a second time.
    sha256: str = ""

    @property
    def rows_loaded(self) -> int:
        return len(self.columns["source_line"])

    @property
    def bad_row_share(self) -> float:
        return len(self.rejections) / self.rows_in if self.rows_in else 0.0


Pseudonymise = Callable[[str, str], str]


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


def read_feed(
    path: Path,
    feed: Feed,
    manifest_entry: FileEntry | None,
    extract_date: date,
    pseudonymise: Pseudonymise,
    parent_keys: Mapping[str, set[str]],
) -> ValidatedFeed:
    """Validate one feed file; raise FeedFileError when the file as a whole is unusable."""
    name = feed.file_name
    if not path.is_file():
        raise FeedFileError(f"{name}: file missing from the landing folder {path.parent}")
    if manifest_entry is None:
        raise FeedFileError(f"{name}: not listed in the landing folder's _manifest.json")
    actual_hash = file_sha256(path)
    if actual_hash != manifest_entry.sha256:
        raise FeedFileError(f"{name}: sha256 does not match the manifest (file changed in transit)")

    pseudonym_cache: dict[tuple[str, str], str] = {}

    def key_for(column: Column, value: str) -> str:
        cache_key = (column.pseudonym or "", value)
        if cache_key not in pseudonym_cache:
            pseudonym_cache[cache_key] = pseudonymise(column.pseudonym or "", value)
        return pseudonym_cache[cache_key]

    out_names = [c.pseudonym or c.name for c in feed.columns]
    columns: dict[str, list[str | None]] = {name: [] for name in [*out_names, "source_line"]}

    def keep(line: int, row: Mapping[str, str]) -> None:
        for out in out_names:
            columns[out].append(row[out] or None)
        columns["source_line"].append(str(line))

    # Good rows go straight into columns (no row dicts held: a third of the peak memory on
    # large feeds), except spells, whose overlaps can only be judged once all are read.
    held_spells: list[tuple[int, dict[str, str]]] = []
    rejections: list[Rejection] = []
    seen_keys: set[tuple[str, ...]] = set()
    rows_in = 0
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != feed.header:
            raise FeedFileError(
                f"{name}: wrong header (expected {','.join(feed.header)}; "
                f"found {','.join(header or [])})"
            )
        width = len(feed.columns)
        while True:
            line = reader.line_num + 1
            record = next(reader, None)
            if record is None:
                break
            rows_in += 1
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
                key = tuple(raw[k] for k in feed.key)
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
    rejections.extend(overlaps)
    rejections.sort(key=lambda r: r.line)
    return ValidatedFeed(
        feed=feed, rows_in=rows_in, columns=columns, rejections=rejections, sha256=actual_hash
    )
