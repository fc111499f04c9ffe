"""Builds small landing folders for tests: the feeds of feeds.md plus a correct manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from dagster_project.ingest.contract import feeds

HEADERS = {feed.file_name: feed.header for feed in feeds()}


def write_landing(
    folder: Path,
    rows: Mapping[str, Sequence[Mapping[str, str]]],
    extract_date: date = date(2019, 3, 31),
) -> Path:
    """Write every feed (empty when not given) and a manifest matching the files."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for file_name, header in HEADERS.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        data = rows.get(file_name.removesuffix(".csv"), [])
        for row in data:
            writer.writerow({column: row.get(column, "") for column in header})
        payload = buffer.getvalue().encode()
        (folder / file_name).write_bytes(payload)
        entries[file_name] = {"rows": len(data), "sha256": hashlib.sha256(payload).hexdigest()}
    rewrite_manifest(folder, entries, extract_date)
    return folder


def rewrite_manifest(folder: Path, entries: Mapping[str, Mapping], extract_date: date) -> None:
    manifest = {"extract_date": extract_date.isoformat(), "source": "test", "files": entries}
    (folder / "_manifest.json").write_text(json.dumps(manifest, indent=2))


def refresh_manifest(folder: Path) -> None:
    """Recompute rows and hashes after a test edited a file on purpose."""
    manifest = json.loads((folder / "_manifest.json").read_text())
    for name in manifest["files"]:
        payload = (folder / name).read_bytes()
        rows = max(payload.decode().count("\n") - 1, 0)
        manifest["files"][name] = {"rows": rows, "sha256": hashlib.sha256(payload).hexdigest()}
    (folder / "_manifest.json").write_text(json.dumps(manifest, indent=2))


def spell(
    spell_id: str,
    nominal: str,
    entry: str,
    exit: str = "",
    reason: str = "",
    scheme: str = "GENERIC",
    area: str = "CITY",
) -> dict[str, str]:
    return {
        "spell_id": spell_id,
        "nominal_id": nominal,
        "scheme": scheme,
        "area": area,
        "entry_date": entry,
        "exit_date": exit,
        "exit_reason": reason,
    }


def event(
    kind: str,
    event_id: str,
    nominal: str,
    code: str,
    on: str,
    weapon: str = "N",
    offence_on: str = "",
) -> dict[str, str]:
    """A conviction (kind='conviction') or an arrest (kind='arrest').

    A conviction's offence_date defaults to its conviction date (`offence_on` to set it).
    """
    row = {f"{kind}_id": event_id, "nominal_id": nominal, "offence_code": code}
    if kind == "conviction":
        row["offence_date"] = offence_on or on
    return {**row, f"{kind}_date": on, "weapon_enabled": weapon}


def custody(
    custody_id: str,
    nominal: str,
    start: str,
    sentence_days: int,
    earliest: str,
    actual: str = "",
    area: str = "CITY",
    release_type: str = "",
) -> dict[str, str]:
    return {
        "custody_id": custody_id,
        "nominal_id": nominal,
        "custody_start_date": start,
        "sentence_days": str(sentence_days),
        "earliest_release_date": earliest,
        "actual_release_date": actual,
        "release_area": area,
        "release_type": release_type or ("STANDARD" if actual else ""),
    }
