"""Demo feeds with injected bad rows, run end to end: nothing lost, nothing identifying kept."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.demo.generator import GenerationResult, generate_landing
from dagster_project.ingest.contract import feeds
from dagster_project.ops.lock import read_holder
from dagster_project.settings import REPO_ROOT
from tests.pipeline import PipelineRun, run_on

# About 50 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(50)


@pytest.fixture(scope="module")
def bad_landing(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    landing = tmp_path_factory.mktemp("bad_demo") / "landing"
    # A small population: enough to carry population rows (and their bad rows) through, and
    # the identifier scan below is rows x identifiers.
    return generate_landing(landing, seed=7, nominals=500, bad_rows=0.02, population=300)


@pytest.fixture(scope="module")
def bad_run(bad_landing: GenerationResult, tmp_path_factory: pytest.TempPathFactory):
    run = run_on(bad_landing.out_dir, tmp_path_factory.mktemp("bad_demo_data"))
    assert run.outcome.success, run.outcome.failures
    return run


def raw_identifiers(landing: Path) -> set[str]:
    """Every nominal_id and case_id value in the landing folder, injected bad rows included."""
    found: set[str] = set()
    for path in landing.glob("*.csv"):
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                found.update(v for k, v in row.items() if k in ("nominal_id", "case_id") and v)
    return found


def test_every_row_in_is_loaded_or_quarantined(bad_run: PipelineRun, bad_landing):
    for feed in feeds():
        rows_in = bad_landing.rows[feed.file_name]
        staged = bad_run.rows(f"select count(*) from staging.stg_{feed.name}")[0][0]
        quarantined = bad_run.rows(
            "select count(*) from quarantine.rejected_rows where run_id = ? and feed = ?",
            [bad_run.outcome.run_id, feed.name],
        )[0][0]
        assert staged + quarantined == rows_in, feed.name
        assert quarantined > 0, feed.name


def test_the_injected_bad_rows_are_exactly_the_quarantined_rows(bad_run, bad_landing):
    injected = {(bad.file, bad.line) for bad in bad_landing.bad_rows}
    quarantined = bad_run.rows(
        "select file, line, reason from quarantine.rejected_rows where run_id = ?",
        [bad_run.outcome.run_id],
    )
    assert {(file, line) for file, line, _ in quarantined} == injected
    assert all(reason for _, _, reason in quarantined)


def text_columns(con) -> list[tuple[str, str, str]]:
    return con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_catalog = current_database()"
    ).fetchall()


def test_no_raw_identifier_reaches_any_table(bad_run: PipelineRun, bad_landing):
    identifiers = pd.DataFrame({"value": sorted(raw_identifiers(bad_landing.out_dir))})
    assert len(identifiers) > 200
    for connect in (bad_run.warehouse, bad_run.published):
        with connect() as con:
            con.register("raw_identifiers", identifiers)
            columns = text_columns(con)
            assert columns
            for schema, table, column in columns:
                leaked = con.execute(
                    f'select count(*) from "{schema}"."{table}" t '
                    f'join raw_identifiers r on position(r.value in t."{column}") > 0'
                ).fetchone()[0]
                assert leaked == 0, f"{schema}.{table}.{column}"


def test_analysts_can_query_while_a_run_is_in_progress_and_logs_hold_no_identifier(
    bad_run: PipelineRun, bad_landing, tmp_path: Path
):
    env = {**os.environ, "IOM_DATA_DIR": str(bad_run.data_dir)}
    cli = [sys.executable, "-m", "dagster_project.cli"]
    # The run waits at its first feed until the query is done (ops/faults.py): holding the
    # warehouse, whatever the two processes' speeds.
    hold = tmp_path / "hold"
    hold.touch()
    run = subprocess.Popen(
        [*cli, "run", "--landing", str(bad_landing.out_dir)],
        cwd=REPO_ROOT,
        env={**env, "IOM_HOLD_AT": "ingest", "IOM_HOLD_FILE": str(hold)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def run_holds_the_warehouse() -> bool:
        holder = read_holder(bad_run.data_dir)
        return run.poll() is None and holder is not None and holder.pid == run.pid

    deadline = time.monotonic() + 300
    while not run_holds_the_warehouse() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run_holds_the_warehouse(), "the run never held the warehouse"
    # One query, started and finished while the run holds the warehouse; each more is a process
    # that slows the run down (querying every 2 s, this test took 5 minutes).
    query = subprocess.run(
        [*cli, "sql", "select count(*) as n from information_schema.tables"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert query.returncode == 0, query.stderr
    # The published copy's tables: a header, a rule, the count, then "(1 rows)".
    assert int(query.stdout.splitlines()[2]) > 0, query.stdout
    assert run_holds_the_warehouse(), "the run ended before the query did: no overlap shown"
    hold.unlink()
    log, _ = run.communicate(timeout=300)
    assert run.returncode == 0, log[-3000:]
    tokens = set(re.findall(r"[A-Za-z0-9_-]+", log))
    assert not tokens & raw_identifiers(bad_landing.out_dir)
