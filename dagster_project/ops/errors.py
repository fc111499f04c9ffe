"""One-line, operator-grade explanations of the failures a person can fix on the machine.

A full disk, a read-only or unwritable data dir reach us as OSError, DuckDB IOException or a
SQLAlchemy error from Dagster's storage, wrapped by Dagster in step errors. `explain` looks
through all of that text and says what happened, where, and what to do.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

# Below this a run cannot finish (the warehouse alone needs more); fail before starting.
MIN_FREE_BYTES = 1 << 20

_KINDS = (
    (
        re.compile(r"No space left on device|ENOSPC|disk (?:is )?full|database or disk is full"),
        "disk full under {where}: free space there (`df -h {where}`), then run again",
    ),
    (
        re.compile(r"Read-only file system|EROFS|attempt to write a readonly database"),
        "the data dir {where} is read-only: remount it read-write (or set IOM_DATA_DIR to a "
        "writable folder), then run again",
    ),
    (
        re.compile(r"Permission denied|EACCES"),
        "no permission to write under {where}: run as the service user that owns it "
        "(`ls -ld {where}`), then run again",
    ),
)


class DataDirError(Exception):
    """The data dir cannot be written (full, read-only, not ours)."""


def explain(text: str, where: Path | str) -> str | None:
    """The operator's line for a failure whose text names one of the known causes."""
    for pattern, message in _KINDS:
        if pattern.search(text):
            return message.format(where=where)
    return None


def explain_os_error(exc: OSError, where: Path | str) -> DataDirError:
    return DataDirError(explain(str(exc), where) or f"cannot write under {where}: {exc.strerror}")


def preflight(data_dir: Path) -> None:
    """Refuse to start a run on a data dir that cannot be written or has no space left."""
    data_dir = Path(data_dir)
    probe = data_dir / f".write-check.{os.getpid()}.tmp"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        raise explain_os_error(exc, data_dir) from None
    if shutil.disk_usage(data_dir).free < MIN_FREE_BYTES:
        raise DataDirError(explain("No space left on device", data_dir) or "disk full")
