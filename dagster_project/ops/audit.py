"""Append-only audit log of who read or produced what (DPA 2018 Part 3, s.62 logging).

SQLite outside the published marts, so a re-publication or rollback never touches it.
Triggers refuse UPDATE and DELETE: a row, once written, stays as written.
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

AUDIT_DIR = "audit"
AUDIT_FILE = "audit.sqlite"

_SCHEMA = """
create table if not exists audit_log (
    audit_id integer primary key autoincrement,
    logged_at text not null,
    os_user text not null,
    action text not null,
    detail text not null,
    rows_returned integer
);
create trigger if not exists audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only: rows cannot be updated');
end;
create trigger if not exists audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only: rows cannot be deleted');
end;
"""


@dataclass(frozen=True)
class AuditEntry:
    audit_id: int
    logged_at: str
    os_user: str
    action: str
    detail: str
    rows_returned: int | None


def audit_path(data_dir: Path) -> Path:
    return Path(data_dir) / AUDIT_DIR / AUDIT_FILE


@contextmanager
def connect_audit(data_dir: Path) -> Iterator[sqlite3.Connection]:
    path = audit_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several analysts and the nightly run write at once: WAL and a busy wait, not errors.
    con = sqlite3.connect(path, timeout=30)
    try:
        con.execute("pragma journal_mode=wal")
        con.execute("pragma busy_timeout=30000")
        con.executescript(_SCHEMA)
        yield con
    finally:
        con.close()


def record_audit(data_dir: Path, action: str, detail: str, rows: int | None) -> None:
    """Log one access: the OS user, UTC time, the action, what was asked, rows returned."""
    with connect_audit(data_dir) as con, con:
        con.execute(
            "insert into audit_log (logged_at, os_user, action, detail, rows_returned) "
            "values (?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(timespec="seconds"),
                getpass.getuser(),
                action,
                detail,
                rows,
            ),
        )


def read_audit(data_dir: Path, limit: int = 50) -> list[AuditEntry]:
    """The newest `limit` entries, newest first."""
    with connect_audit(data_dir) as con:
        rows = con.execute(
            "select audit_id, logged_at, os_user, action, detail, rows_returned "
            "from audit_log order by audit_id desc limit ?",
            (limit,),
        ).fetchall()
    return [AuditEntry(*row) for row in rows]
