"""Every setting the project takes from its environment, read here and nowhere else.

Paths of the project's own files are relative to the repository. Environment variables
(IOM_*) are read once per call of `from_environment()`, so a test or a command can set them
before building Definitions. Secrets never become plain values: the pseudonym key is handed
to Dagster as `dg.EnvVar`, which the UI, run config and event log show by name only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Dagster is imported where it is used: the CLI's light commands never need it
    import dagster as dg

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_LANDING_DIR = DEFAULT_DATA_DIR / "landing"
DEFAULT_RETENTION_DAYS = 400

DATA_DIR_ENV = "IOM_DATA_DIR"
LANDING_DIR_ENV = "IOM_LANDING_DIR"
PSEUDONYM_KEY_ENV = "IOM_PSEUDONYM_KEY"
RETENTION_DAYS_ENV = "IOM_RETENTION_DAYS"
# Set by the dbt stages for the dbt child process only (dbt/profiles.yml reads it).
WAREHOUSE_PATH_ENV = "IOM_WAREHOUSE_PATH"
# DuckDB's memory cap and where it spills beyond it, for the warehouse's every connection
# (ours and dbt's): a national-scale run must fit the machine, spilling rather than failing.
DUCKDB_MEMORY_LIMIT_ENV = "IOM_DUCKDB_MEMORY_LIMIT"
DUCKDB_TEMP_DIR_ENV = "IOM_DUCKDB_TEMP_DIR"
DEFAULT_DUCKDB_MEMORY_LIMIT = "80%"
# The protective marking printed at the top and foot of every page of the report (the
# Government Security Classifications: OFFICIAL, or e.g. "OFFICIAL-SENSITIVE" for a local
# version with more detail).
PROTECTIVE_MARKING_ENV = "IOM_PROTECTIVE_MARKING"
DEFAULT_PROTECTIVE_MARKING = "OFFICIAL"
# Which engine builds the dbt models: duckdb (the default, one machine) or spark (dbt-spark;
# `pip install -e .[spark]` and Java 17). docs/scale-out.md.
ENGINE_ENV = "IOM_ENGINE"
ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"
# The Spark the pipeline starts in its own process for the spark engine: master and driver
# memory (a cluster is reached through dbt-spark's thrift/connect targets instead).
SPARK_MASTER_ENV = "IOM_SPARK_MASTER"
DEFAULT_SPARK_MASTER = "local[2]"
SPARK_DRIVER_MEMORY_ENV = "IOM_SPARK_DRIVER_MEMORY"
DEFAULT_SPARK_DRIVER_MEMORY = "2g"
# More settings for that Spark, as `key=value` pairs separated by ";" (transform/spark.py).
SPARK_CONF_ENV = "IOM_SPARK_CONF"


@dataclass(frozen=True)
class AlertSettings:
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: str = ""
    webhook_url: str = ""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    landing_dir: Path
    # True when IOM_PSEUDONYM_KEY is set; its value is never held here.
    has_pseudonym_key: bool
    retention_days: int
    alerts: AlertSettings
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    # Empty: duckdb_tmp in the data folder.
    duckdb_temp_dir: str = ""
    protective_marking: str = DEFAULT_PROTECTIVE_MARKING
    engine: str = DEFAULT_ENGINE
    spark_master: str = DEFAULT_SPARK_MASTER
    spark_driver_memory: str = DEFAULT_SPARK_DRIVER_MEMORY
    spark_conf: str = ""

    @property
    def analytics_path(self) -> Path:
        return self.data_dir / "analytics.duckdb"

    def pseudonym_key(self) -> dg.EnvVar | str:
        """The key as Dagster should receive it: by name, or empty for the demo key."""
        import dagster as dg

        return dg.EnvVar(PSEUDONYM_KEY_ENV) if self.has_pseudonym_key else ""

    def spark_conf_setting(self) -> dg.EnvVar | str:
        """IOM_SPARK_CONF by name, as Dagster should receive it: its values may hold a
        cluster's credentials, and Dagster shows a resource's config in the UI unless it is
        an environment variable's."""
        import dagster as dg

        return dg.EnvVar(SPARK_CONF_ENV) if self.spark_conf else ""


class SettingsError(ValueError):
    """An IOM_ setting the process cannot start with; the CLI prints it as one line."""


def engine_from(value: str | None) -> str:
    """The engine named by IOM_ENGINE (empty: duckdb); anything else is refused by name."""
    engine = (value or DEFAULT_ENGINE).strip().lower()
    if engine not in ENGINES:
        raise SettingsError(f"{ENGINE_ENV} must be one of {', '.join(ENGINES)}, not {engine!r}")
    return engine


def spark_conf_pairs(conf: str) -> list[tuple[str, str]]:
    """IOM_SPARK_CONF's settings: `spark.<name>=<value>` pairs separated by ";"."""
    pairs = []
    for part in filter(str.strip, conf.split(";")):
        key, equals, value = part.partition("=")
        if not equals or not key.strip().startswith("spark."):
            raise SettingsError(
                f"{SPARK_CONF_ENV}: each setting is spark.<name>=<value>, separated by ';'"
            )
        pairs.append((key.strip(), value.strip()))
    return pairs


def _checked_spark_conf(conf: str) -> str:
    spark_conf_pairs(conf)
    return conf.strip()


def from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).resolve()
    return Settings(
        data_dir=data_dir,
        landing_dir=Path(env.get(LANDING_DIR_ENV) or DEFAULT_LANDING_DIR).resolve(),
        has_pseudonym_key=bool(env.get(PSEUDONYM_KEY_ENV)),
        retention_days=int(env.get(RETENTION_DAYS_ENV) or DEFAULT_RETENTION_DAYS),
        duckdb_memory_limit=env.get(DUCKDB_MEMORY_LIMIT_ENV) or DEFAULT_DUCKDB_MEMORY_LIMIT,
        duckdb_temp_dir=env.get(DUCKDB_TEMP_DIR_ENV, ""),
        protective_marking=(env.get(PROTECTIVE_MARKING_ENV) or DEFAULT_PROTECTIVE_MARKING).strip(),
        engine=engine_from(env.get(ENGINE_ENV)),
        spark_master=env.get(SPARK_MASTER_ENV) or DEFAULT_SPARK_MASTER,
        spark_driver_memory=env.get(SPARK_DRIVER_MEMORY_ENV) or DEFAULT_SPARK_DRIVER_MEMORY,
        spark_conf=_checked_spark_conf(env.get(SPARK_CONF_ENV, "")),
        alerts=AlertSettings(
            smtp_host=env.get("IOM_ALERT_SMTP_HOST", ""),
            smtp_port=int(env.get("IOM_ALERT_SMTP_PORT") or 25),
            smtp_from=env.get("IOM_ALERT_SMTP_FROM", ""),
            smtp_to=env.get("IOM_ALERT_SMTP_TO", ""),
            webhook_url=env.get("IOM_ALERT_WEBHOOK_URL", ""),
        ),
    )


def pseudonym_key_value() -> str:
    """The key itself, for the one place that computes pseudonyms outside Dagster (the CLI)."""
    return os.environ.get(PSEUDONYM_KEY_ENV, "")
