"""Dagster's run-sharded SQLite event log, with one SQLAlchemy engine and one open connection
per file instead of a new engine and connection for every write.

The files, their schema and their place (history/runs/ under DAGSTER_HOME) are Dagster's own:
any Dagster process reads them, whichever class wrote them. What changes is the cost of a
write. Dagster's class builds an engine, opens a connection, commits and disposes the engine
for every event, twice for an asset or check event (the run's file and the index file), and
asks SQLite whether the asset-check table exists for every check event: about a quarter of a
nightly run's time (docs/performance.md). Here an engine is made once per file and kept with
its connection open (a few recent files at most), the table's existence is remembered once
found, and the WAL file is synced at checkpoints rather than at every commit.

Durability: SQLite in WAL mode with synchronous=NORMAL stays consistent after any crash; an
operating-system crash or power cut can lose the last events committed before it. The
warehouse's own publication does not depend on these events (docs/decisions/event-log.md).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster import Field, StringSource
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# A run writes two files (its own and the index); the webserver reads a few runs at a time.
KEPT_ENGINES = 16
# Every use of a connection holds the storage's lock, so one per file is enough; a few more
# may be opened, and closed after use, if Dagster ever nests two uses.
OPEN_CONNECTIONS_PER_FILE = 1


def _sync_at_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def runs_dir(dagster_home: str) -> str:
    """Where Dagster keeps a home's run-sharded event log files."""
    return os.path.join(dagster_home, "history", "runs", "")


def default_base_dir() -> str:
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise DagsterInvariantViolationError(
            "The event log needs DAGSTER_HOME set, or base_dir in dagster.yaml's "
            "event_log_storage; in Python, open the instance with "
            "dagster_project.ops.instance.open_instance"
        )
    return runs_dir(home)


class KeptEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose engines and connections outlive a single event (see the
    module's docstring).

    A process started by fork gets engines of its own: a SQLite connection must not be used by
    two processes, so the parent's are left to the parent, unclosed.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        # Before the parent's __init__, which may already connect (a new index file).
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._asset_check_table_found = False
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> KeptEngineSqliteEventLogStorage:
        base_dir = config_value.get("base_dir") or default_base_dir()
        return cls(base_dir=base_dir, inst_data=inst_data)

    def _engine_for(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():
            for inherited in self._engines.values():
                inherited.dispose(close=False)
            self._engines.clear()
            self._engines_pid = os.getpid()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=OPEN_CONNECTIONS_PER_FILE,
            max_overflow=4,
            # The lock, not the thread, decides who uses a connection (the webserver's threads).
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        db.event.listen(engine, "connect", _sync_at_checkpoints)
        self._engines[shard] = engine
        while len(self._engines) > KEPT_ENGINES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine_for(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def supports_asset_checks(self) -> bool:
        # The table is created by a schema migration and never dropped: once found, it stays.
        if not self._asset_check_table_found:
            self._asset_check_table_found = super().supports_asset_checks()
        return self._asset_check_table_found

    def _close_files(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        # Dagster's wipe deletes the run files: no connection may stay open on a deleted file.
        self._close_files()
        super().wipe()

    def dispose(self) -> None:
        self._close_files()
        super().dispose()
