"""DuckDB's memory cap and spill folder reach every connection of the build, dbt's too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_project.definitions import build_definitions
from dagster_project.settings import DBT_PROJECT_DIR, from_environment

DBT = Path(sys.executable).with_name("dbt")


def _warehouse(data_dir: Path, limit: str = "", spill: str = "") -> object:
    environ = {"IOM_DATA_DIR": str(data_dir)}
    if limit:
        environ["IOM_DUCKDB_MEMORY_LIMIT"] = limit
    if spill:
        environ["IOM_DUCKDB_TEMP_DIR"] = spill
    defs = build_definitions(from_environment(environ))
    return defs.resources["warehouse"]  # type: ignore[index]


def test_our_connections_take_the_cap_and_spill_folder(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "data", "1GB", str(tmp_path / "spill"))
    with warehouse.connect() as con:  # type: ignore[attr-defined]
        limit, spill = con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    # DuckDB reports 1 GB (10^9 bytes) in binary units.
    assert limit == "953.6 MiB"
    assert spill == str(tmp_path / "spill")


def test_the_spill_folder_defaults_to_the_data_folder(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "data")
    assert warehouse.dbt_environment()["IOM_DUCKDB_TEMP_DIR"] == str(  # type: ignore[attr-defined]
        tmp_path / "data" / "duckdb_tmp"
    )
    assert warehouse.dbt_environment()["IOM_DUCKDB_MEMORY_LIMIT"] == "80%"  # type: ignore[attr-defined]


def test_dbt_connections_take_them_from_the_profile(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "data", "2GB", str(tmp_path / "spill"))
    environment = warehouse.dbt_environment()  # type: ignore[attr-defined]
    (tmp_path / "data").mkdir()
    shown = subprocess.run(
        [
            str(DBT),
            "show",
            "--quiet",
            "--output",
            "json",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--inline",
            "select current_setting('memory_limit') as cap, "
            "current_setting('temp_directory') as spill",
        ],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert '"cap": "1.8 GiB"' in shown.stdout
    assert f'"spill": "{tmp_path / "spill"}"' in shown.stdout
