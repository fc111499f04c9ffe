"""dbt in the Dagster process: the parsed project stored once and read back by later processes."""

from __future__ import annotations

import json
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.in_process import (
    InProcessDbt,
    _read_stored_manifest,
    _store_manifest,
)


def _parse(target_path: Path):
    from dbt.cli.main import dbtRunner

    project = str(DBT_PROJECT_DIR)
    folders = [
        "--project-dir",
        project,
        "--profiles-dir",
        project,
        "--target-path",
        str(target_path),
    ]
    parsed = dbtRunner().invoke(["parse", *folders, "--log-level", "none"])
    assert parsed.success, parsed.exception
    return parsed.result


def test_a_stored_manifest_reads_back_as_parsed_and_replaces_only_its_own_targets(
    tmp_path: Path,
):
    parsed = _parse(tmp_path / "target")
    store = tmp_path / "in_process"
    store.mkdir()
    older, other_target = store / "warehouse-old.msgpack", store / "spark-any.msgpack"
    older.write_bytes(b"an earlier project version")
    other_target.write_bytes(b"the other engine's")

    path = store / "warehouse-new.msgpack"
    assert _store_manifest(parsed, path)
    assert sorted(p.name for p in store.iterdir()) == [other_target.name, path.name]

    stored = _read_stored_manifest(path)
    assert stored is not None
    assert sorted(stored.nodes) == sorted(parsed.nodes)
    assert sorted(stored.macros) == sorted(parsed.macros)
    assert sorted(stored.sources) == sorted(parsed.sources)
    model = "model.iom_warehouse.nominal_scores"
    assert stored.nodes[model].raw_code == parsed.nodes[model].raw_code
    assert stored.nodes[model].depends_on.nodes == parsed.nodes[model].depends_on.nodes
    assert stored.nodes[model].contract.enforced
    # What dbt builds before a run (ManifestLoader.get_full_manifest) is there too.
    assert stored.flat_graph["nodes"].keys() == parsed.flat_graph["nodes"].keys()


def test_a_project_folder_that_cant_be_written_only_means_no_stored_manifest(tmp_path: Path):
    # A file where the store's folder would be: mkdir fails as on a read-only checkout (root
    # writes through any mode, so a mode can't show it here).
    blocked = tmp_path / "in_process"
    blocked.write_text("not a folder")
    assert _store_manifest(object(), blocked / "warehouse-x.msgpack") is False
    assert blocked.read_text() == "not a folder"


def test_an_unreadable_or_missing_stored_manifest_means_a_parse(tmp_path: Path):
    damaged = tmp_path / "warehouse-x.msgpack"
    damaged.write_bytes(b"\x93not a manifest")
    assert _read_stored_manifest(damaged) is None
    assert _read_stored_manifest(tmp_path / "warehouse-none.msgpack") is None


def test_dagster_dbt_reads_only_what_a_dbt_process_prints(tmp_path: Path):
    """A dbt process at its default level prints info, warnings and errors; the runner's
    callbacks also get every debug event, which must not reach dagster-dbt."""
    project = str(DBT_PROJECT_DIR)
    env = {
        "DBT_PROJECT_DIR": project,
        "DBT_PROFILES_DIR": project,
        "DBT_TARGET_PATH": str(tmp_path / "target"),
    }
    dbt = InProcessDbt(["dbt", "ls", "--select", "nominal_scores", "--output", "json"], env)
    events = [json.loads(line) for line in dbt.stdout]
    assert dbt.wait(timeout=120) == 0
    levels = {event["info"]["level"] for event in events}
    names = {event["info"]["name"] for event in events}
    assert levels <= {"info", "warn", "error"}, levels
    # dbt fires both on every command: its version at info, its arguments at debug.
    assert "MainReportVersion" in names
    assert "MainReportArgs" not in names


def test_a_stage_leaves_run_results_and_no_manifest_in_its_target_folder(
    tmp_path: Path, monkeypatch
):
    """dbt's manifest.json (2 MB) is not written after every stage; run_results.json is."""
    monkeypatch.setenv("IOM_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("IOM_DUCKDB_TEMP_DIR", str(tmp_path / "spill"))
    project = str(DBT_PROJECT_DIR)
    target = tmp_path / "target"
    env = {"DBT_PROJECT_DIR": project, "DBT_PROFILES_DIR": project, "DBT_TARGET_PATH": str(target)}
    dbt = InProcessDbt(["dbt", "seed", "--select", "idva_labels"], env)
    list(dbt.stdout)
    assert dbt.wait(timeout=120) == 0

    assert not (target / "manifest.json").exists()
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert [(r["unique_id"], r["status"]) for r in results] == [
        ("seed.iom_warehouse.idva_labels", "success")
    ]
