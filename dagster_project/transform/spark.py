"""The spark engine: dbt builds the models on Spark, everything else reads DuckDB as before.

With `IOM_ENGINE=spark` the dbt stages run dbt-spark (`method: session`) in this process, on a
Spark session started here first so that dbt's `getOrCreate()` finds it: one Spark, one
catalog, for every dbt stage of the run. The two engines meet through Parquet files only:

- before a dbt stage, the sources it reads (the validated feeds in `raw`, then the Python
  scoring outputs in `scoring`) are written from DuckDB as Parquet and loaded as Spark tables;
- after it, every model and seed the stage built is written by Spark as Parquet and loaded
  into the DuckDB warehouse under the same schema and name.

So the RRS, the statistics and the impact bootstrap keep their one definition (the Python and
SQL of scoring/) and read Spark's rows; the GX checks and publication (analytics.duckdb and
marts/*.parquet, one atomic switch) are the code the duckdb engine runs. docs/scale-out.md
says what this does and does not distribute.

pyspark is imported here only, and only when the spark engine runs: the default install
needs neither pyspark nor Java.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from dagster_project.publish.versions import parquet_select
from dagster_project.settings import spark_conf_pairs

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# The profile target each engine's dbt runs with (dbt/profiles.yml).
DBT_TARGETS = {"duckdb": "warehouse", "spark": "spark"}
_TO_SPARK = "to_spark"
_FROM_SPARK = "from_spark"
_JAVA_OPTIONS = "spark.driver.extraJavaOptions"
_lock = threading.Lock()
# The session this module started and its folder (getActiveSession is per thread; dbt runs
# in a thread of its own).
_session: SparkSession | None = None
_session_dir: Path | None = None


class SparkUnavailableError(RuntimeError):
    """The spark engine was asked for where pyspark or Java is missing."""


def spark_available() -> str | None:
    """None when the spark engine can run here; otherwise what is missing, in words."""
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if importlib.util.find_spec("dbt.adapters.spark") is None:
        return "dbt-spark is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "java is not on PATH (Debian: apt-get install openjdk-17-jre-headless)"
    return None


def spark_session(spark_dir: Path, master: str, driver_memory: str, conf: str = "") -> SparkSession:
    """The process's Spark session, its tables under `spark_dir/warehouse`; `conf` adds or
    overrides settings (IOM_SPARK_CONF), Java options are added to the driver's own.

    A session already running on another folder (an earlier run in the same process, on
    another data dir) is stopped first: a Spark process has one warehouse folder.
    """
    global _session, _session_dir
    missing = spark_available()
    if missing:
        raise SparkUnavailableError(f"the spark engine cannot run: {missing}")
    from pyspark.sql import SparkSession

    extra = dict(spark_conf_pairs(conf))
    java_options = " ".join(
        filter(None, [f"-Dderby.system.home={spark_dir}", extra.pop(_JAVA_OPTIONS, "")])
    )
    with _lock:
        if _session is not None and _session_dir == spark_dir:
            return _session
        if _session is not None:
            _session.stop()
        spark_dir.mkdir(parents=True, exist_ok=True)
        # Spark's Python workers (the presentation layer's SQL functions) run in this
        # interpreter, whose venv has the project; by default they start `python3` on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            SparkSession.builder.master(master)
            .appName("iom-warehouse")
            .config("spark.driver.memory", driver_memory)
            .config("spark.sql.warehouse.dir", str(spark_dir / "warehouse"))
            # The catalog lives as long as the process: every dbt stage of a run shares it,
            # and each run starts from an empty one (reset_spark), so no metastore to keep.
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.ui.enabled", "false")
            .config(_JAVA_OPTIONS, java_options)
        )
        for key, value in extra.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        _register_functions(session)
        _session, _session_dir = session, spark_dir
        return session


def reset_spark(spark: SparkSession, spark_dir: Path, schemas: Iterable[str]) -> None:
    """Start a run from an empty Spark catalog: Spark's tables are rebuilt by every run."""
    for schema in schemas:
        spark.sql(f"drop database if exists {schema} cascade")
    for folder in ("warehouse", _TO_SPARK, _FROM_SPARK):
        shutil.rmtree(spark_dir / folder, ignore_errors=True)


def push_tables(
    con: duckdb.DuckDBPyConnection, spark: SparkSession, spark_dir: Path, tables: Iterable[str]
) -> dict[str, int]:
    """DuckDB tables (schema.name) to Spark tables of the same name, through Parquet."""
    counts: dict[str, int] = {}
    for table in tables:
        schema = table.split(".")[0]
        path = spark_dir / _TO_SPARK / f"{table}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({parquet_select(con, table)}) to '{path}' (format parquet)")
        spark.sql(f"create database if not exists {schema}")
        frame = spark.read.parquet(str(path))
        frame.write.mode("overwrite").format("parquet").saveAsTable(table)
        counts[table] = spark.table(table).count()
    return counts


def pull_tables(
    con: duckdb.DuckDBPyConnection,
    spark: SparkSession,
    spark_dir: Path,
    tables: Iterable[str],
    column_types: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, int]:
    """Spark tables or views (schema.name) to DuckDB tables of the same name, through Parquet.

    column_types: per table, the DuckDB type of a column where the model's contract names one
    (Spark's bigint sum is DuckDB's hugeint, its int DuckDB's integer), so the warehouse holds
    the types the duckdb engine would have built and the checks and analysts expect.
    """
    counts: dict[str, int] = {}
    for table in tables:
        types = (column_types or {}).get(table, {})
        schema, name = table.split(".")
        path = spark_dir / _FROM_SPARK / table
        spark.table(table).write.mode("overwrite").parquet(str(path))
        con.execute(f"create schema if not exists {schema}")
        kinds = con.execute(
            "select table_type from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
        for (kind,) in kinds:
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {table}")
        source = f"read_parquet('{path}/*.parquet')"
        names = [row[0] for row in con.execute(f"describe select * from {source}").fetchall()]
        select = ", ".join(
            f'cast("{name}" as {types[name]}) as "{name}"' if name in types else f'"{name}"'
            for name in names
        )
        con.execute(f"create table {table} as select {select} from {source}")
        counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
    return counts


def _register_functions(session: SparkSession) -> None:
    """The SQL functions dbt-duckdb gets from its plugin (presentation/sql_functions.py), as
    Spark functions of the same name: the marts call one definition on either engine."""
    from dagster_project.presentation.sql_functions import (
        DISPLAY_TEXT_FUNCTION,
        scorecard_display_text,
    )

    session.udf.register(DISPLAY_TEXT_FUNCTION, scorecard_display_text, "string")
