"""`iom docs`: dbt's docs site with the catalog read from the published marts."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from dagster_project.transform.dbt_files import model_columns
from tests.cli.published import iom, publish


def test_docs_catalog_comes_from_the_published_marts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    publish(data_dir, date(2019, 3, 31), nominals=10)
    served = data_dir / "analytics.duckdb"
    before = hashlib.sha256(served.read_bytes()).hexdigest()
    result = iom(data_dir, "docs")
    assert result.returncode == 0, result.stderr[-2000:]
    page = data_dir / "dbt_docs" / "static_index.html"
    assert page.as_uri() in result.stdout
    assert page.stat().st_size > 10_000
    catalog = json.loads((data_dir / "dbt_docs" / "catalog.json").read_text())
    cohort = catalog["nodes"]["model.iom_warehouse.cohort_monthly"]
    # the fixture's published cohort_monthly: its first three columns, then the rest of
    # the declared ones
    assert list(cohort["columns"])[:3] == ["month_end", "scheme", "live_cohort"]
    assert set(cohort["columns"]) == set(model_columns("cohort_monthly"))
    assert cohort["columns"]["live_cohort"]["type"] == "INTEGER"
    assert not (data_dir / "dbt_docs" / ".catalog").exists()
    assert hashlib.sha256(served.read_bytes()).hexdigest() == before
