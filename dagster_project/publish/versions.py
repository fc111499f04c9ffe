"""Atomic, versioned publication of the marts: analysts only ever read a finished copy."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

VERSIONS_DIR = "versions"
MARTS_LINK = "marts"
ANALYTICS_FILE = "analytics.duckdb"
VERSION_INFO = "version.json"
CHECK_RESULTS = "check_results"


@dataclass(frozen=True)
class Version:
    version_id: str
    path: Path
    as_of: str
    run_id: str
    created_at: str
    tables: dict[str, int]
    checks: dict[str, int]
    # Versions published before the quality checks existed have no extract_date.
    extract_date: str | None = None
    # Versions published before the selection marts record no dbt vars.
    dbt_vars: dict[str, Any] | None = None

    @classmethod
    def load(cls, path: Path) -> Version:
        info = json.loads((path / VERSION_INFO).read_text())
        return cls(path=path, **info)


def build_version(
    warehouse_path: Path,
    data_dir: Path,
    run_id: str,
    as_of: date,
    checks: dict[str, int],
    extract_date: date | None = None,
    dbt_vars: dict[str, Any] | None = None,
) -> Version:
    """Copy every table of the warehouse's marts schema into a new, immutable version folder.

    dbt_vars: the vars the marts were built with (as_of, selection_threshold, ...).
    """
    created = datetime.now(UTC)
    version_id = f"{created:%Y%m%dT%H%M%S%fZ}-{run_id[:8]}"
    staging_dir = data_dir / VERSIONS_DIR / f".{version_id}.partial"
    (staging_dir / MARTS_LINK).mkdir(parents=True)
    tables: dict[str, int] = {}
    # An in-memory session attaching both files: the warehouse read only, the new copy writable.
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse_path}' as warehouse (read_only)")
        con.execute(f"attach '{staging_dir / ANALYTICS_FILE}' as published")
        con.execute("create schema published.marts")
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'warehouse' and table_schema = 'marts' "
                "order by table_name"
            ).fetchall()
        ]
        for name in names:
            source = f"warehouse.marts.{name}"
            con.execute(f"create table published.marts.{name} as select * from {source}")
            parquet = staging_dir / MARTS_LINK / f"{name}.parquet"
            con.execute(f"copy ({parquet_select(con, source)}) to '{parquet}' (format parquet)")
            tables[name] = con.execute(f"select count(*) from {source}").fetchone()[0]
        _copy_check_results(con, run_id, staging_dir, tables)
        con.execute("detach published")
        con.execute("detach warehouse")
    finally:
        con.close()
    info = {
        "version_id": version_id,
        "as_of": as_of.isoformat(),
        "run_id": run_id,
        "created_at": created.isoformat(timespec="seconds"),
        "tables": tables,
        "checks": checks,
        "extract_date": extract_date.isoformat() if extract_date else None,
        "dbt_vars": dbt_vars,
    }
    (staging_dir / VERSION_INFO).write_text(json.dumps(info, indent=2, sort_keys=True))
    final_dir = data_dir / VERSIONS_DIR / version_id
    staging_dir.rename(final_dir)
    return Version.load(final_dir)


def parquet_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A select of the table whose integers stay integers in Parquet.

    DuckDB's sum() of integers is a HUGEINT (128 bits), which Parquet cannot hold: the writer
    would store it as DOUBLE. Scores and day counts fit a BIGINT many times over, and the
    cast fails loudly rather than round if one ever did not.
    """
    columns = con.execute(f"describe {table}").fetchall()
    select = [
        f'cast("{name}" as bigint) as "{name}"' if kind == "HUGEINT" else f'"{name}"'
        for name, kind, *_ in columns
    ]
    return f"select {', '.join(select)} from {table}"


def _copy_check_results(
    con: duckdb.DuckDBPyConnection, run_id: str, staging_dir: Path, tables: dict[str, int]
) -> None:
    """This run's quality verdicts travel with the marts they vouch for (marts.check_results)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_catalog = 'warehouse' "
        "and table_schema = 'quality' and table_name = 'check_results'"
    ).fetchone()[0]
    if not exists:
        return
    con.execute(
        f"create table published.marts.{CHECK_RESULTS} as "
        "select * exclude (seconds) from warehouse.quality.check_results where run_id = ? "
        "order by asset, check_name",
        [run_id],
    )
    parquet = staging_dir / MARTS_LINK / f"{CHECK_RESULTS}.parquet"
    con.execute(f"copy published.marts.{CHECK_RESULTS} to '{parquet}' (format parquet)")
    tables[CHECK_RESULTS] = con.execute(
        f"select count(*) from published.marts.{CHECK_RESULTS}"
    ).fetchone()[0]


def activate_version(data_dir: Path, version: Version) -> None:
    """Swap the published copy to this version; readers see the old file or the new, never half."""
    target = data_dir / ANALYTICS_FILE
    temporary = data_dir / f".{ANALYTICS_FILE}.{os.getpid()}.tmp"
    shutil.copyfile(version.path / ANALYTICS_FILE, temporary)
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    link = data_dir / MARTS_LINK
    temporary_link = data_dir / f".{MARTS_LINK}.{os.getpid()}.tmp"
    temporary_link.unlink(missing_ok=True)
    temporary_link.symlink_to(version.path.relative_to(data_dir) / MARTS_LINK)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(temporary_link, link)


def list_versions(data_dir: Path) -> list[Version]:
    """Published versions, newest first."""
    root = data_dir / VERSIONS_DIR
    if not root.is_dir():
        return []
    found = [Version.load(p) for p in root.iterdir() if (p / VERSION_INFO).is_file()]
    return sorted(found, key=lambda v: v.version_id, reverse=True)


def current_version_id(data_dir: Path) -> str | None:
    link = data_dir / MARTS_LINK
    return link.resolve().parent.name if link.is_symlink() else None


def prune_versions(data_dir: Path, keep: int) -> list[str]:
    """Keep the newest `keep` versions (and always the one being served)."""
    current = current_version_id(data_dir)
    removed = []
    for version in list_versions(data_dir)[keep:]:
        if version.version_id != current:
            shutil.rmtree(version.path)
            removed.append(version.version_id)
    return removed
