"""Materialising published_marts alone never labels marts with an as-of they were not built at."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.publish.assets import published_marts
from dagster_project.publish.versions import current_version_id, list_versions
from dagster_project.resources import (
    LandingResource,
    RunLockResource,
    RunSettingsResource,
    WarehouseResource,
)
from tests.cli.published import MARTS_SQL
from tests.ops.helpers import small_landing


def materialise(tmp_path: Path, as_of: str) -> dg.ExecuteInProcessResult:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    warehouse = data_dir / "warehouse.duckdb"
    if not warehouse.exists():
        # marts built as of 28 February; the landing's extract is dated 31 March
        con = duckdb.connect(str(warehouse))
        con.execute(MARTS_SQL.format(as_of="2019-02-28", nominals=10))
        con.close()
    landing = tmp_path / "landing"
    if not landing.exists():
        small_landing(landing)
    return dg.materialize(
        [published_marts],
        resources={
            "warehouse": WarehouseResource(data_dir=str(data_dir)),
            "landing": LandingResource(landing_dir=str(landing)),
            "run_settings": RunSettingsResource(as_of=as_of),
            "run_lock": RunLockResource(data_dir=str(data_dir)),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_publishes_under_the_as_of_the_marts_were_built_at(tmp_path: Path) -> None:
    result = materialise(tmp_path, as_of="")
    assert result.success
    (version,) = list_versions(tmp_path / "data")
    assert version.as_of == "2019-02-28"  # not the extract date, 2019-03-31
    assert current_version_id(tmp_path / "data") == version.version_id


def test_refuses_an_as_of_the_marts_were_not_built_at(tmp_path: Path) -> None:
    result = materialise(tmp_path, as_of="2019-03-31")
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    description = failure.step_failure_data.user_failure_data.description
    assert "built as of 2019-02-28, not 2019-03-31" in description
    assert list_versions(tmp_path / "data") == []
