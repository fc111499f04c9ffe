"""Runs the real pipeline (Dagster job, dbt build, publication) on a landing folder for tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance

from dagster_project.ops.instance import ensure_dagster_home, open_instance
from dagster_project.ops.runner import RunOutcome, run_pipeline


@dataclass
class PipelineRun:
    landing: Path
    data_dir: Path
    outcome: RunOutcome
    # The Dagster instance's folder when the run kept its events (run_on's dagster_home).
    dagster_home: Path | None = None

    @contextmanager
    def instance(self) -> Iterator[DagsterInstance]:
        """The Dagster instance the run recorded its events in (a run that kept them)."""
        assert self.dagster_home is not None, "this run's events were not kept"
        with open_instance(self.dagster_home) as instance:
            yield instance

    @contextmanager
    def warehouse(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.data_dir / "warehouse.duckdb"), read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.data_dir / "analytics.duckdb"), read_only=True)
        try:
            yield con
        finally:
            con.close()

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.warehouse() as con:
            return con.execute(sql, params or []).fetchall()

    def dicts(self, sql: str, params: list | None = None) -> list[dict]:
        with self.warehouse() as con:
            cursor = con.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_on(
    landing: Path, data_dir: Path, as_of: date | None = None, dagster_home: Path | None = None
) -> PipelineRun:
    """One real run in process with a throwaway Dagster instance; with `dagster_home`, an
    instance on disk there that keeps the run's events (materialisations, checks), configured
    as a deployment's is (deploy/dagster.yaml, with its event log)."""
    if dagster_home is None:
        with DagsterInstance.ephemeral() as instance:
            outcome = run_pipeline(data_dir, landing_dir=landing, as_of=as_of, instance=instance)
    else:
        with open_instance(ensure_dagster_home(dagster_home)) as instance:
            outcome = run_pipeline(data_dir, landing_dir=landing, as_of=as_of, instance=instance)
    return PipelineRun(
        landing=landing, data_dir=data_dir, outcome=outcome, dagster_home=dagster_home
    )


class SharedRuns:
    """Finished runs shared by every test of the session that only reads them, one per scenario.

    `shared_runs.get("scenario", build)` runs the pipeline once on the landing folder `build`
    writes into the folder it is given, and returns the same PipelineRun to every later caller
    with that name, whatever the module. A test that changes a run's data folder (another
    night, a rollback) must make its own run instead.
    """

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._runs: dict[str, PipelineRun] = {}

    def get(
        self,
        scenario: str,
        build: Callable[[Path], Path],
        as_of: date | None = None,
        keep_events: bool = False,
    ) -> PipelineRun:
        """keep_events: the run's Dagster instance on disk (PipelineRun.instance)."""
        if scenario not in self._runs:
            root = self._factory.mktemp(f"shared_{scenario}")
            home = root / "dagster_home" if keep_events else None
            run = run_on(build(root / "landing"), root / "data", as_of=as_of, dagster_home=home)
            assert run.outcome.success, run.outcome.failures
            self._runs[scenario] = run
        return self._runs[scenario]
