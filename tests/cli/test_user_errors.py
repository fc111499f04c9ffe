"""Every user error is one or two lines saying what was wrong and what to do, exit code 2.

Each case runs `python -m dagster_project.cli` as a user would; `--debug` adds the traceback.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.cli.published import iom, publish
from tests.ops.helpers import small_landing


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("errors") / "data"
    publish(data_dir, date(2019, 3, 31), nominals=10)
    return data_dir


def assert_user_error(result, *expected: str) -> list[str]:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert 1 <= len(lines) <= 2, lines
    for text in expected:
        assert text in result.stderr, result.stderr
    return lines


def test_missing_landing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-landing"
    result = iom(tmp_path / "data", "run", "--landing", str(missing))
    assert_user_error(result, f"landing folder {missing} does not exist", "--landing")


def test_missing_landing_folder_from_the_environment(tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere"
    os.environ["IOM_LANDING_DIR"] = str(missing)
    try:
        result = iom(tmp_path / "data", "run")
    finally:
        del os.environ["IOM_LANDING_DIR"]
    assert_user_error(result, f"landing folder {missing} does not exist", "IOM_LANDING_DIR")


def test_landing_folder_without_manifest(tmp_path: Path) -> None:
    result = iom(tmp_path / "data", "run", "--landing", str(tmp_path))
    assert_user_error(result, "has no _manifest.json")


def test_landing_path_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "extract.csv"
    a_file.write_text("a,b\n")
    result = iom(tmp_path / "data", "run", "--landing", str(a_file))
    assert_user_error(result, "is not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder whatever its mode")
def test_unreadable_landing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        result = iom(tmp_path / "data", "run", "--landing", str(folder))
    finally:
        folder.chmod(0o700)
    assert_user_error(result, "cannot be read by this user")


@pytest.mark.parametrize("bad", ["2019-02-30", "31/03/2019", "yesterday"])
def test_bad_date(tmp_path: Path, bad: str) -> None:
    result = iom(tmp_path, "run", "--as-of", bad)
    lines = assert_user_error(result, f"not a date (YYYY-MM-DD): {bad}")
    assert lines[-1] == "See `iom run --help`."


def test_sql_unknown_table(published: Path) -> None:
    result = iom(published, "sql", "select * from no_such_mart")
    assert_user_error(result, "Catalog Error", "no_such_mart", "show tables")


def test_sql_syntax_error(published: Path) -> None:
    result = iom(published, "sql", "selec metric from scorecard")
    assert_user_error(result, "Parser Error", "show tables")


@pytest.mark.parametrize("query", ["", "   "])
def test_sql_empty_query(published: Path, query: str) -> None:
    assert_user_error(iom(published, "sql", query), "empty query")


@pytest.mark.parametrize("months", ["-3", "0", "seven"])
def test_live_cohort_months_not_positive(published: Path, months: str) -> None:
    result = iom(published, "live-cohort", "--months", months)
    assert_user_error(result, "argument --months")
    assert "No month ends" not in result.stdout


def test_report_out_unwritable(published: Path, tmp_path: Path) -> None:
    # Under a regular file no folder can be made, whoever runs it (root included).
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    result = iom(published, "report", "--out", str(a_file / "reports"))
    assert_user_error(result, "cannot create report folder", "Give a folder")


def test_unknown_option(published: Path) -> None:
    assert_user_error(iom(published, "scorecard", "--colour"), "unrecognized arguments")


def test_nothing_published(tmp_path: Path) -> None:
    assert_user_error(iom(tmp_path / "empty", "scorecard"), "nothing is published", "iom run")


def test_debug_shows_the_traceback(published: Path) -> None:
    result = iom(published, "--debug", "sql", "select * from no_such_mart")
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("The marts are listed by")


def test_a_setting_the_run_cannot_start_with(tmp_path: Path) -> None:
    landing = small_landing(tmp_path / "landing")
    os.environ["IOM_SPARK_CONF"] = "spark.sql.adaptive.enabled"
    try:
        result = iom(tmp_path / "data", "run", "--landing", str(landing))
    finally:
        del os.environ["IOM_SPARK_CONF"]
    assert_user_error(result, "IOM_SPARK_CONF: each setting is spark.<name>=<value>")
