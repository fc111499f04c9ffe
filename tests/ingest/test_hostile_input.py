"""Issue 18, finding 5 and 4: one bad value is quarantined, never the end of the night, and no
message carries a value of a feed row. Each case is read with read_feed itself."""

from __future__ import annotations

import codecs
import io
import json
import os
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from dagster_project.ingest.contract import feed_by_name, file_sha256
from dagster_project.ingest.validate import (
    MAX_FIELD_CHARS,
    MAX_LINE_BYTES,
    FeedFileError,
    ValidatedFeed,
    read_feed,
)
from dagster_project.resources import FileEntry, LandingResource, ManifestError

EXTRACT = date(2019, 3, 31)
ARRESTS_HEADER = b"arrest_id,nominal_id,offence_code,arrest_date,weapon_enabled\n"
GOOD = b"A1,NOM-0000001,BURGLARY,2018-06-01,N\n"


def pseudonym(kind: str, value: str) -> str:
    return f"{kind}#{value[::-1]}"


def read_bytes(tmp_path: Path, feed_name: str, payload: bytes, rows: int) -> ValidatedFeed:
    feed = feed_by_name(feed_name)
    path = tmp_path / feed.file_name
    path.write_bytes(payload)
    entry = FileEntry(rows=rows, sha256=file_sha256(path))
    return read_feed(path, feed, entry, EXTRACT, pseudonym, {})


def reasons(result: ValidatedFeed) -> dict[int, tuple[str, str]]:
    return {r.line: (r.column, r.reason) for r in result.rejections}


def test_overflow_and_non_ascii_digits_are_quarantined_with_line_and_column(tmp_path):
    header = b"custody_id,nominal_id,custody_start_date,sentence_days,earliest_release_date,"
    header += b"actual_release_date,release_area,release_type\n"
    rows = [
        b"CU1,NOM-1,2018-01-01,100,2018-03-01,,CITY,\n",  # 2 good
        b"CU2,NOM-1,2018-01-01,99999999999,2018-03-01,,CITY,\n",  # 3 over 2**31 - 1
        "CU3,NOM-1,2018-01-01,١٢٣,2018-03-01,,CITY,\n".encode(),  # 4 Arabic-Indic digits
        b"CU4,NOM-1,2018-01-01,2147483647,2018-03-01,,CITY,\n",  # 5 good: INT32 max
    ]
    result = read_bytes(tmp_path, "custody_episodes", header + b"".join(rows), 4)
    assert reasons(result) == {
        3: ("sentence_days", "integer out of range (32-bit)"),
        4: ("sentence_days", "not an integer (ASCII digits only)"),
    }
    assert result.columns["custody_id"] == ["CU1", "CU4"]


def test_a_latin1_byte_is_quarantined_with_its_byte_offset(tmp_path):
    bad = b"A2,NOM-0000002,BURGLARY,2018-06-01,N\xe9\n"  # cp1252/Latin-1 e-acute
    payload = ARRESTS_HEADER + GOOD + bad + b"A3,NOM-0000003,BURGLARY,2018-06-01,Y\n"
    result = read_bytes(tmp_path, "arrests", payload, 3)
    # header and first row, then line 3 up to its last byte before the newline
    offset = len(ARRESTS_HEADER) + len(GOOD) + len(bad) - 2
    assert reasons(result) == {3: ("weapon_enabled", f"not valid UTF-8 (byte offset {offset})")}
    assert result.columns["arrest_id"] == ["A1", "A3"]


def test_over_long_fields_and_lines_are_quarantined(tmp_path):
    long_field = b"A2,NOM-0000002,BURGLARY,2018-06-01," + b"N" * (MAX_FIELD_CHARS + 10) + b"\n"
    long_line = b"A3," + b"x" * (MAX_LINE_BYTES + 10) + b"\n"
    payload = ARRESTS_HEADER + GOOD + long_field + long_line + GOOD.replace(b"A1", b"A4")
    result = read_bytes(tmp_path, "arrests", payload, 4)
    assert reasons(result) == {
        3: ("*", f"unreadable CSV record (field larger than field limit ({MAX_FIELD_CHARS}))"),
        4: ("*", f"line longer than {MAX_LINE_BYTES} bytes"),
    }
    assert result.columns["arrest_id"] == ["A1", "A4"]


def test_a_utf8_bom_is_accepted(tmp_path):
    result = read_bytes(tmp_path, "arrests", codecs.BOM_UTF8 + ARRESTS_HEADER + GOOD, 1)
    assert result.rejections == []
    assert result.columns["arrest_id"] == ["A1"]


def test_a_workbook_named_csv_fails_the_file_clearly(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FeedFileError, match=r"^arrests.csv: not a text CSV file"):
        read_bytes(tmp_path, "arrests", buffer.getvalue(), 0)


def test_a_headerless_feed_names_no_value_of_its_first_row(tmp_path):
    with pytest.raises(FeedFileError) as caught:
        read_bytes(tmp_path, "arrests", GOOD + GOOD.replace(b"A1", b"A2"), 1)
    message = str(caught.value)
    assert message.startswith("arrests.csv: wrong header (no header row:")
    for value in ("A1", "NOM-0000001", "BURGLARY", "2018-06-01"):
        assert value not in message


def test_a_reordered_header_names_contract_columns_only(tmp_path):
    header = b"nominal_id,arrest_id,offence_code,arrest_date,NOM-0000009\n"
    with pytest.raises(FeedFileError) as caught:
        read_bytes(tmp_path, "arrests", header + GOOD, 1)
    message = str(caught.value)
    assert "missing weapon_enabled" in message
    assert "1 field(s) that are not contract columns" in message
    assert "NOM-0000009" not in message


def test_symlinks_and_non_regular_files_are_refused_by_name(tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_bytes(ARRESTS_HEADER + GOOD)
    feed = feed_by_name("arrests")
    link = tmp_path / "landing" / feed.file_name
    link.parent.mkdir()
    link.symlink_to(secret)
    entry = FileEntry(rows=1, sha256=file_sha256(secret))
    with pytest.raises(FeedFileError, match=r"^arrests.csv: is a symbolic link"):
        read_feed(link, feed, entry, EXTRACT, pseudonym, {})
    link.unlink()
    os.mkfifo(link)
    with pytest.raises(FeedFileError, match=r"^arrests.csv: not a regular file"):
        read_feed(link, feed, entry, EXTRACT, pseudonym, {})


def test_an_extract_date_after_today_is_refused(tmp_path):
    tomorrow = date.today() + timedelta(days=1)
    manifest = {"extract_date": tomorrow.isoformat(), "source": "test", "files": {}}
    (tmp_path / "_manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ManifestError, match=f"extract_date {tomorrow} is after today"):
        LandingResource(landing_dir=str(tmp_path)).manifest()
