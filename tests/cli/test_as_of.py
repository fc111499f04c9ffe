"""Point in time: read the version published as of a date; the served copy never changes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from dagster_project.publish.versions import current_version_id, list_versions
from tests.cli.published import iom, publish
from tests.ops.helpers import small_landing

NOMINALS_SQL = "select value from scorecard where metric = 'unique_nominals'"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """March (10 nominals) then April (12) served; February (7) published but not served."""
    data_dir = tmp_path_factory.mktemp("as_of") / "data"
    publish(data_dir, date(2019, 3, 31), nominals=10)
    publish(data_dir, date(2019, 4, 30), nominals=12)
    publish(data_dir, date(2019, 2, 28), nominals=7, activate=False)
    return data_dir


def test_history_reads_leave_the_served_copy_byte_identical(history: Path) -> None:
    served = history / "analytics.duckdb"
    before, current = digest(served), current_version_id(history)
    march = iom(history, "sql", NOMINALS_SQL, "--as-of", "2019-03-31", "--format", "csv")
    february = iom(history, "sql", NOMINALS_SQL, "--as-of", "2019-02-28", "--format", "csv")
    scorecard = iom(history, "scorecard", "--as-of", "2019-02-28")
    cohort = iom(history, "live-cohort", "--as-of", "2019-03-31", "--months", "1")
    served_now = iom(history, "sql", NOMINALS_SQL, "--format", "csv")
    assert march.stdout.splitlines() == ["value", "10.0"], march.stderr
    assert february.stdout.splitlines() == ["value", "7.0"], february.stderr
    assert "as of 2019-02-28" in scorecard.stdout
    assert scorecard.stdout.split("Unique nominals")[1].split()[0] == "7"
    # March's cohort: ALL live 10 (the one month end, 2019-03-31)
    live_total = next(line for line in cohort.stdout.splitlines() if line.startswith("live total"))
    assert live_total.split()[-1] == "10", cohort.stdout
    assert served_now.stdout.splitlines() == ["value", "12.0"]
    assert digest(served) == before
    assert current_version_id(history) == current


def test_unknown_as_of_lists_the_dates_published(history: Path) -> None:
    result = iom(history, "scorecard", "--as-of", "2019-01-31")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no published version as of 2019-01-31" in result.stderr
    assert "2019-02-28, 2019-03-31, 2019-04-30" in result.stderr


def test_versions_show_as_of_dates(history: Path) -> None:
    result = iom(history, "versions")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    served = [line for line in lines if line.startswith("*")]
    assert len(served) == 1 and "2019-04-30" in served[0]
    assert sum("2019-02-28" in line for line in lines) == 1


def test_run_no_activate_publishes_without_serving(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    publish(data_dir, date(2019, 3, 31), nominals=10)
    served, before = data_dir / "analytics.duckdb", digest(data_dir / "analytics.duckdb")
    current = current_version_id(data_dir)
    landing = small_landing(tmp_path / "landing")
    result = iom(
        data_dir, "run", "--landing", str(landing), "--as-of", "2019-02-28", "--no-activate"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "not served" in result.stdout
    assert digest(served) == before
    assert current_version_id(data_dir) == current
    as_of_dates = sorted(v.as_of for v in list_versions(data_dir))
    assert as_of_dates == ["2019-02-28", "2019-03-31"]
    # the real run's scorecard (12 nominals in the small landing) is readable as of February
    february = iom(data_dir, "sql", NOMINALS_SQL, "--as-of", "2019-02-28", "--format", "csv")
    assert february.stdout.splitlines() == ["value", "12.0"], february.stderr


def test_rollback_records_the_served_version_on_published_marts(tmp_path: Path) -> None:
    from dagster import AssetKey

    from dagster_project.ops.instance import instance_for

    data_dir = tmp_path / "data"
    march = publish(data_dir, date(2019, 3, 31), nominals=10)
    publish(data_dir, date(2019, 4, 30), nominals=12)
    result = iom(data_dir, "rollback")
    assert result.returncode == 0, result.stderr
    instance = instance_for(data_dir)
    try:
        event = instance.get_latest_materialization_event(AssetKey("published_marts"))
    finally:
        instance.dispose()
    assert event is not None
    metadata = event.asset_materialization.metadata
    assert metadata["version"].value == march.version_id
    assert metadata["as_of"].value == "2019-03-31"
    assert metadata["reason"].value == "rollback"
