"""IOM_ENGINE: read once, checked by name; the spark engine's stage plumbing (no Spark here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.settings import engine_from, from_environment, spark_conf_pairs
from dagster_project.transform.assets import contract_types, stage_sources
from dagster_project.transform.project import dbt_project


def test_engine_defaults_to_duckdb_and_refuses_unknown_names() -> None:
    assert from_environment({}).engine == "duckdb"
    assert from_environment({"IOM_ENGINE": " Spark "}).engine == "spark"
    assert engine_from("") == "duckdb"
    with pytest.raises(ValueError, match="IOM_ENGINE must be one of duckdb, spark"):
        engine_from("postgres")


def test_spark_conf_is_key_value_pairs_and_refuses_anything_else() -> None:
    assert from_environment({}).spark_conf == ""
    assert spark_conf_pairs(" spark.a.b = 1 ;; spark.c=x=y; ") == [
        ("spark.a.b", "1"),
        ("spark.c", "x=y"),
    ]
    conf = "spark.sql.adaptive.enabled=false"
    assert from_environment({"IOM_SPARK_CONF": conf}).spark_conf == conf
    for bad in ("spark.sql.adaptive.enabled", "adaptive=false", "=1"):
        with pytest.raises(ValueError, match=r"IOM_SPARK_CONF: each setting is spark\.<name>="):
            from_environment({"IOM_SPARK_CONF": bad})


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(Path(dbt_project.manifest_path).read_text())


def test_each_stage_loads_the_sources_it_reads(manifest: dict) -> None:
    """The first stage reads the feeds; a later one the scoring outputs it is selected from."""
    first = stage_sources(manifest, "fqn:*")
    assert "raw.arrests" in first and "raw.feed_loads" in first
    assert all(t.startswith("raw.") for t in first)
    later = stage_sources(manifest, "source:scoring.rrs_scores+ source:scoring.as_of_rrs+")
    assert later == ["scoring.as_of_rrs", "scoring.rrs_scores"]


def test_marts_come_back_with_their_contract_types(manifest: dict) -> None:
    """Spark's sum is a bigint; the warehouse copy gets DuckDB's hugeint, as the contract says."""
    types = contract_types(manifest)
    assert types["marts.nominal_scores"]["entry_score"] == "hugeint"
    assert types["marts.nominal_scores"]["spell_id"] == "varchar"
    assert all(table.startswith("marts.") for table in types)


def test_a_run_keeps_every_configured_warehouse_setting() -> None:
    # Run config replaces the resource's whole config: a field left out would fall back to its
    # class default (IOM_DUCKDB_MEMORY_LIMIT, IOM_PROTECTIVE_MARKING, IOM_ENGINE ignored).
    from dagster_project.definitions import defs
    from dagster_project.ops.runner import run_config_for

    configured = defs.resources["warehouse"]
    given = run_config_for(Path("/srv/iom"))["resources"]["warehouse"]["config"]
    assert set(given) == {
        "data_dir",
        "keep_versions",
        "memory_limit",
        "temp_dir",
        "protective_marking",
        "engine",
        "spark_master",
        "spark_driver_memory",
        "spark_conf",
    }
    assert given["data_dir"] == "/srv/iom"
    assert {k: v for k, v in given.items() if k != "data_dir"} == {
        k: getattr(configured, k) for k in given if k != "data_dir"
    }
    named = run_config_for(Path("/srv/iom"), engine="spark")["resources"]["warehouse"]["config"]
    assert named["engine"] == "spark"
