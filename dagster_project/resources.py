"""Resources injected into every asset: warehouse, landing folder, pseudonymiser, run settings."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.ingest.contract import MANIFEST_NAME
from dagster_project.settings import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_ENGINE,
    DEFAULT_PROTECTIVE_MARKING,
    DEFAULT_SPARK_DRIVER_MEMORY,
    DEFAULT_SPARK_MASTER,
    DUCKDB_MEMORY_LIMIT_ENV,
    DUCKDB_TEMP_DIR_ENV,
    WAREHOUSE_PATH_ENV,
)

# The demo key is public on purpose: it only ever protects synthetic data.
DEMO_PSEUDONYM_KEY = "iom-warehouse-DEMO-KEY-not-for-real-data"

log = logging.getLogger(__name__)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse being built, and the published copy analysts read."""

    data_dir: str
    keep_versions: int = 14
    # DuckDB's memory_limit (e.g. "6GB" or "80%") and spill folder (empty: duckdb_tmp in
    # the data folder), for this process's connections and for dbt's (dbt/profiles.yml).
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    temp_dir: str = ""
    # The protective marking of the report's every page (IOM_PROTECTIVE_MARKING).
    protective_marking: str = DEFAULT_PROTECTIVE_MARKING
    # Which engine builds the dbt models (settings.ENGINES). With spark, dbt builds on a Spark
    # started in this process and the tables the Python steps, the checks and publication
    # read are copied back here through Parquet (transform/spark.py).
    engine: str = DEFAULT_ENGINE
    spark_master: str = DEFAULT_SPARK_MASTER
    spark_driver_memory: str = DEFAULT_SPARK_DRIVER_MEMORY
    # More Spark settings, `key=value;key=value` (IOM_SPARK_CONF; transform/spark.py).
    spark_conf: str = ""

    @property
    def root(self) -> Path:
        return Path(self.data_dir).resolve()

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def analytics_path(self) -> Path:
        return self.root / "analytics.duckdb"

    @property
    def spark_dir(self) -> Path:
        """The spark engine's working folder: its tables and the Parquet handed between engines."""
        return self.root / "spark"

    @property
    def spill_dir(self) -> Path:
        return Path(self.temp_dir).resolve() if self.temp_dir else self.root / "duckdb_tmp"

    def dbt_environment(self) -> dict[str, str]:
        """What dbt/profiles.yml reads: the same file, memory cap and spill folder."""
        return {
            WAREHOUSE_PATH_ENV: str(self.warehouse_path),
            DUCKDB_MEMORY_LIMIT_ENV: self.memory_limit,
            DUCKDB_TEMP_DIR_ENV: str(self.spill_dir),
        }

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the warehouse; closed on exit so dbt can take the single writer lock."""
        self.root.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(
            str(self.warehouse_path),
            read_only=read_only,
            config={"memory_limit": self.memory_limit, "temp_directory": str(self.spill_dir)},
        )
        try:
            yield con
        finally:
            con.close()


class RunLockResource(dg.ConfigurableResource):
    """The data dir's one-writer lock, held from the run's first step to its last.

    Every asset that writes the warehouse or publishes requires this resource. The nightly
    job runs in process, where Dagster initialises a run's resources once, before the first
    step, and tears them down after the last: so whatever starts the run (schedule, UI,
    `iom run`, a test), the lock spans ingestion to publication, and a second run on the
    same data dir fails at its start instead of replacing tables under the first.
    """

    data_dir: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[RunLockResource]:
        from dagster_project.ops.errors import DataDirError
        from dagster_project.ops.lock import WarehouseBusyError, warehouse_lock
        from dagster_project.ops.recovery import recover_after

        root = Path(self.data_dir).resolve()
        try:
            with warehouse_lock(root, context.run_id or "no-run") as died:
                recover_after(root, died, context.instance, context.log)
                yield self
        except (WarehouseBusyError, DataDirError) as exc:
            # One line for the operator, not a traceback: the lock file says who holds it.
            raise dg.Failure(description=str(exc)) from None


@dataclass(frozen=True)
class FileEntry:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    extract_date: date
    source: str
    files: dict[str, FileEntry]


class ManifestError(Exception):
    """The landing folder's manifest is missing or unreadable."""


class LandingResource(dg.ConfigurableResource):
    """The landing folder of the nightly extract (read only: nothing is written here)."""

    landing_dir: str

    @property
    def root(self) -> Path:
        return Path(self.landing_dir).resolve()

    def manifest(self) -> Manifest:
        path = self.root / MANIFEST_NAME
        if path.is_symlink():
            raise ManifestError(f"{path}: is a symbolic link; the landing folder takes real files")
        if not path.is_file():
            raise ManifestError(f"{path}: manifest missing from the landing folder")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            files = {
                name: FileEntry(rows=int(entry["rows"]), sha256=str(entry["sha256"]))
                for name, entry in raw["files"].items()
            }
            manifest = Manifest(
                extract_date=date.fromisoformat(raw["extract_date"]),
                source=str(raw.get("source", "")),
                files=files,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ManifestError(f"{path}: unreadable manifest ({exc})") from exc
        today = date.today()
        if manifest.extract_date > today:
            # Published, a future extract would block every correct one after it.
            raise ManifestError(
                f"{path}: extract_date {manifest.extract_date} is after today ({today}): "
                "fix the manifest (or the source system's clock) and land the extract again"
            )
        return manifest


class PseudonymiserResource(dg.ConfigurableResource):
    """Keyed pseudonyms (HMAC-SHA256) replacing nominal_id and case_id during ingestion."""

    key: str = ""

    @property
    def uses_demo_key(self) -> bool:
        return not self.key

    def pseudonymise(self, kind: str, value: str) -> str:
        # The kind is part of the message so a nominal id and a case id never share a pseudonym.
        secret = (self.key or DEMO_PSEUDONYM_KEY).encode()
        digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest[:20]


class RunSettingsResource(dg.ConfigurableResource):
    """Per-run settings: the as-of date (default: the extract date) and the bad-row limit."""

    as_of: str = ""
    max_bad_row_share: float = 0.05
    # False publishes a version (e.g. a past as-of date) without making it the one served.
    activate: bool = True

    def as_of_date(self, landing: LandingResource) -> date:
        return date.fromisoformat(self.as_of) if self.as_of else landing.manifest().extract_date
