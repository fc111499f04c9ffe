"""Append-only, tamper-evident audit log of who read or produced what (DPA 2018 Part 3, s.62).

SQLite under <data_dir>/audit/, outside the published marts, so a re-publication or rollback
never touches it, and out of reach of the query path (DuckDB sessions opened for people have
no file access at all: publish/published.py). Triggers refuse UPDATE and DELETE, and every
entry carries a hash chain: entry_hash = sha256(prev_hash, the entry's fields), so an entry
changed, removed or inserted by any other means (the triggers dropped, the file edited)
breaks the chain at that entry, which `iom audit --verify` reports.
"""

from __future__ import annotations

import getpass
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

AUDIT_DIR = "audit"
AUDIT_FILE = "audit.sqlite"
GENESIS_HASH = "0" * 64

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
_CHAIN_COLUMNS = ("prev_hash", "entry_hash")


@dataclass(frozen=True)
class AuditEntry:
    audit_id: int
    logged_at: str
    os_user: str
    action: str
    detail: str
    rows_returned: int | None


@dataclass(frozen=True)
class AuditVerdict:
    entries: int
    # Entries written before the chain existed (no hash): counted, not verifiable.
    unchained: int
    head_hash: str
    first_broken: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def audit_path(data_dir: Path) -> Path:
    return Path(data_dir) / AUDIT_DIR / AUDIT_FILE


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    fields = [
        prev_hash,
        str(entry.audit_id),
        entry.logged_at,
        entry.os_user,
        entry.action,
        entry.detail,
        "" if entry.rows_returned is None else str(entry.rows_returned),
    ]
    # Length-prefixed, so no choice of field text can shift a boundary between fields.
    payload = "".join(f"{len(f)}:{f};" for f in fields)
    return hashlib.sha256(payload.encode()).hexdigest()


@contextmanager
def connect_audit(data_dir: Path) -> Iterator[sqlite3.Connection]:
    path = audit_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several analysts and the nightly run write at once: WAL and a busy wait, not errors.
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("pragma journal_mode=wal")
        con.execute("pragma busy_timeout=30000")
        con.executescript(_SCHEMA)
        present = {r[1] for r in con.execute("pragma table_info(audit_log)")}
        for column in _CHAIN_COLUMNS:
            if column not in present:
                con.execute(f"alter table audit_log add column {column} text")
        yield con
    finally:
        con.close()


def record_audit(data_dir: Path, action: str, detail: str, rows: int | None) -> None:
    """Log one access: the OS user, UTC time, the action, what was asked, rows returned."""
    with connect_audit(data_dir) as con:
        # IMMEDIATE: the previous hash is read and the entry written under one write lock,
        # so two writers can never chain onto the same predecessor.
        con.execute("begin immediate")
        try:
            last = con.execute(
                "select audit_id, entry_hash from audit_log order by audit_id desc limit 1"
            ).fetchone()
            prev_hash = (last[1] or GENESIS_HASH) if last else GENESIS_HASH
            entry = AuditEntry(
                audit_id=(last[0] if last else 0) + 1,
                logged_at=datetime.now(UTC).isoformat(timespec="seconds"),
                os_user=getpass.getuser(),
                action=action,
                detail=detail,
                rows_returned=rows,
            )
            con.execute(
                "insert into audit_log (audit_id, logged_at, os_user, action, detail, "
                "rows_returned, prev_hash, entry_hash) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.audit_id,
                    entry.logged_at,
                    entry.os_user,
                    entry.action,
                    entry.detail,
                    entry.rows_returned,
                    prev_hash,
                    entry_hash(prev_hash, entry),
                ),
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def read_audit(data_dir: Path, limit: int = 50) -> list[AuditEntry]:
    """The newest `limit` entries, newest first."""
    with connect_audit(data_dir) as con:
        rows = con.execute(
            "select audit_id, logged_at, os_user, action, detail, rows_returned "
            "from audit_log order by audit_id desc limit ?",
            (limit,),
        ).fetchall()
    return [AuditEntry(*row) for row in rows]


def verify_audit(data_dir: Path) -> AuditVerdict:
    """Walk the chain from the first entry; the first entry that does not follow is reported."""
    with connect_audit(data_dir) as con:
        rows = con.execute(
            "select audit_id, logged_at, os_user, action, detail, rows_returned, "
            "prev_hash, entry_hash from audit_log order by audit_id"
        ).fetchall()
    expected_prev, expected_id, unchained, chained = GENESIS_HASH, 1, 0, False
    for row in rows:
        entry, prev_hash, stored = AuditEntry(*row[:6]), row[6], row[7]
        if stored is None and not chained:
            unchained += 1
            expected_id = entry.audit_id + 1
            continue
        # The first chained entry starts from the genesis hash, after any unchained ones.
        chained = True
        reason = ""
        if stored is None:
            reason = "entry has no hash after the chain began (written around the log)"
        elif entry.audit_id != expected_id:
            reason = f"entries {expected_id}..{entry.audit_id - 1} are missing"
        elif prev_hash != expected_prev:
            reason = "its previous-entry hash does not match the entry before it"
        elif entry_hash(prev_hash, entry) != stored:
            reason = "its contents were changed after it was written"
        if reason:
            return AuditVerdict(len(rows), unchained, expected_prev, entry.audit_id, reason)
        expected_prev, expected_id = stored, entry.audit_id + 1
    return AuditVerdict(len(rows), unchained, expected_prev)
