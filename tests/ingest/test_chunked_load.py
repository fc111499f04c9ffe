"""Large feeds load a chunk at a time: same rows, same order, the old raw table kept until
the new one is complete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest import validate as validate_module
from dagster_project.ingest.contract import feed_by_name, file_sha256
from dagster_project.ingest.store import RawTableWriter, ensure_schemas
from dagster_project.ingest.validate import read_feed
from dagster_project.resources import FileEntry

EXTRACT = date(2019, 3, 31)
ARRESTS = [
    "A1,NOM-1,ROBBERY,2016-01-01,N",
    "A2,NOM-2,ROBBERY,2016-01-02,Y",
    "A1,NOM-3,ROBBERY,2016-01-03,N",  # duplicate key: quarantined, not loaded
    "A4,NOM-4,ROBBERY,2016-01-04,N",
    "A5,NOM-5,ROBBERY,2016-13-01,N",  # bad date
    "A6,NOM-6,ROBBERY,2016-01-06,N",
    "A7,NOM-7,ROBBERY,2016-01-07,Y",
]


def _pseudonym(kind: str, value: str) -> str:
    return f"{kind}#{value}"


def _write(tmp_path: Path) -> tuple[Path, FileEntry]:
    feed = feed_by_name("arrests")
    path = tmp_path / feed.file_name
    path.write_text("\n".join([",".join(feed.header), *ARRESTS]) + "\n")
    return path, FileEntry(rows=len(ARRESTS), sha256=file_sha256(path))


def test_chunks_of_two_hand_over_every_good_row_once_in_line_order(tmp_path, monkeypatch):
    monkeypatch.setattr(validate_module, "SINK_CHUNK_ROWS", 2)
    path, entry = _write(tmp_path)
    chunks: list[list[str | None]] = []
    result = read_feed(
        path,
        feed_by_name("arrests"),
        entry,
        EXTRACT,
        _pseudonym,
        {},
        sink=lambda columns: chunks.append(list(columns["arrest_id"])),
    )
    # Good rows: A1 A2 A4 A6 A7 (lines 2, 3, 5, 7, 8); chunks of two, the rest at the end.
    assert chunks == [["A1", "A2"], ["A4", "A6"], ["A7"]]
    assert result.rows_loaded == 5
    assert result.columns["arrest_id"] == []
    assert [r.line for r in result.rejections] == [4, 6]


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ensure_schemas(connection)
    connection.execute("create table raw.arrests as select 'old' as arrest_id")
    yield connection
    connection.close()


def test_the_new_table_replaces_the_old_only_once_complete(tmp_path, monkeypatch, con):
    monkeypatch.setattr(validate_module, "SINK_CHUNK_ROWS", 2)
    path, entry = _write(tmp_path)
    with RawTableWriter(con, feed_by_name("arrests")) as writer:
        read_feed(path, feed_by_name("arrests"), entry, EXTRACT, _pseudonym, {}, sink=writer.append)
        assert con.execute("select arrest_id from raw.arrests").fetchall() == [("old",)]
        writer.replace()
    rows = con.execute(
        "select arrest_id, nominal_key, arrest_date, source_line from raw.arrests"
    ).fetchall()
    assert rows == [
        ("A1", "nominal_key#NOM-1", date(2016, 1, 1), 2),
        ("A2", "nominal_key#NOM-2", date(2016, 1, 2), 3),
        ("A4", "nominal_key#NOM-4", date(2016, 1, 4), 5),
        ("A6", "nominal_key#NOM-6", date(2016, 1, 6), 7),
        ("A7", "nominal_key#NOM-7", date(2016, 1, 7), 8),
    ]
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'"
    ).fetchall()
    assert ("_loading_arrests",) not in tables


def test_a_load_left_without_replace_leaves_the_old_table_and_no_loading_table(tmp_path, con):
    path, entry = _write(tmp_path)
    with pytest.raises(RuntimeError), RawTableWriter(con, feed_by_name("arrests")) as writer:
        read_feed(path, feed_by_name("arrests"), entry, EXTRACT, _pseudonym, {}, sink=writer.append)
        raise RuntimeError("the feed failed after loading")
    assert con.execute("select arrest_id from raw.arrests").fetchall() == [("old",)]
    assert con.execute(
        "select count(*) from information_schema.tables where table_name = '_loading_arrests'"
    ).fetchone() == (0,)


def test_an_empty_feed_gives_a_typed_empty_table(tmp_path, con):
    feed = feed_by_name("arrests")
    path = tmp_path / feed.file_name
    path.write_text(",".join(feed.header) + "\n")
    with RawTableWriter(con, feed) as writer:
        read_feed(
            path, feed, FileEntry(0, file_sha256(path)), EXTRACT, _pseudonym, {}, writer.append
        )
        writer.replace()
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'arrests'"
        ).fetchall()
    )
    assert types["arrest_date"] == "DATE" and types["source_line"] == "INTEGER"
    assert con.execute("select count(*) from raw.arrests").fetchone() == (0,)
