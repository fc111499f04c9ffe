"""One writer per data dir: an exclusive OS lock held by a run from ingestion to publication.

`fcntl.flock` on <data_dir>/warehouse.lock. The kernel releases it when the holder's process
ends, however it ends (kill -9, OOM, power loss), so a dead run never blocks the next one.
The file also names its holder (run id, pid, start time) and is emptied on a clean release:
a new holder that finds a name in it knows that run died holding the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.ops.errors import explain_os_error

LOCK_FILE = "warehouse.lock"
# Long enough to ride out the dead-run sensor's probe (it holds the lock for microseconds),
# short enough that a second run still fails "at once".
_ACQUIRE_SECONDS = 2.0


class WarehouseBusyError(Exception):
    """Another run holds the warehouse of this data dir."""


@dataclass(frozen=True)
class LockHolder:
    run_id: str
    pid: int
    started_at: str
    host: str = ""


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_FILE


def _read_holder(fd: int) -> LockHolder | None:
    text = os.pread(fd, 4096, 0).decode(errors="replace").strip()
    if not text:
        return None
    try:
        return LockHolder(**json.loads(text))
    except (ValueError, TypeError):
        return None


def read_holder(data_dir: Path) -> LockHolder | None:
    """Who the lock file names (a live holder, or one that died holding it)."""
    path = lock_path(data_dir)
    if not path.is_file():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        return _read_holder(fd)
    finally:
        os.close(fd)


def busy_message(data_dir: Path, holder: LockHolder | None) -> str:
    who = (
        f"another run ({holder.run_id}, pid {holder.pid}, started at {holder.started_at})"
        if holder
        else "another run"
    )
    return (
        f"{who} holds the warehouse in {data_dir}: wait for it to finish "
        "(Dagster UI > Runs, or `iom versions` once it has published), then run again"
    )


@contextmanager
def warehouse_lock(data_dir: Path, run_id: str) -> Iterator[LockHolder | None]:
    """Hold the data dir's lock; yields the holder that died holding it before, if any."""
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(data_dir), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise explain_os_error(exc, data_dir) from None
    try:
        deadline = time.monotonic() + _ACQUIRE_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(busy_message(data_dir, _read_holder(fd))) from None
                time.sleep(0.1)
        died = _read_holder(fd)
        me = LockHolder(
            run_id=run_id,
            pid=os.getpid(),
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            host=socket.gethostname(),
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(me)).encode(), 0)
        os.fsync(fd)
        try:
            yield died
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def probe_free(data_dir: Path) -> tuple[bool, LockHolder | None]:
    """Whether nobody holds the lock now, and whom the file names (a dead holder if free)."""
    path = lock_path(data_dir)
    if not path.is_file():
        return True, None
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False, _read_holder(fd)
        holder = _read_holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True, holder
    finally:
        os.close(fd)
