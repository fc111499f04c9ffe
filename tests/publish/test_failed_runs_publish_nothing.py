"""A run failing on bad input publishes nothing: analysts keep yesterday's marts, byte for byte."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.landing import event, refresh_manifest, spell, write_landing
from tests.pipeline import PipelineRun, run_on


def good_rows() -> dict[str, list[dict[str, str]]]:
    nominals = [f"NOM-{i:07d}" for i in range(1, 31)]
    return {
        "iom_register": [spell(f"S{i}", n, "2018-01-01") for i, n in enumerate(nominals)],
        "arrests": [
            event("arrest", f"A{i}", n, "BURGLARY", "2018-06-01") for i, n in enumerate(nominals)
        ],
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("published")
    run = run_on(write_landing(root / "landing", good_rows()), root / "data")
    assert run.outcome.success, run.outcome.failures
    return run


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def break_landing(landing: Path, how: str) -> str:
    """Damage a copy of the good landing folder; returns the file the failure must name."""
    arrests = landing / "arrests.csv"
    if how == "missing file":
        arrests.unlink()
    elif how == "wrong header":
        arrests.write_text(arrests.read_text().replace("arrest_date", "arrested_on", 1))
        refresh_manifest(landing)
    elif how == "row count mismatch":
        manifest = json.loads((landing / "_manifest.json").read_text())
        manifest["files"]["arrests.csv"]["rows"] += 1
        (landing / "_manifest.json").write_text(json.dumps(manifest))
    elif how == "hash mismatch":
        arrests.write_text(arrests.read_text().replace("BURGLARY", "ROBBERY", 1))
    elif how == "too many bad rows":
        # 2 unknown codes out of 30 rows is 6.7%, over the default limit of 5%.
        text = arrests.read_text().replace("BURGLARY", "NOT_A_CODE", 2)
        arrests.write_text(text)
        refresh_manifest(landing)
    return "arrests.csv"


@pytest.mark.parametrize(
    "how",
    ["missing file", "wrong header", "row count mismatch", "hash mismatch", "too many bad rows"],
)
def test_bad_input_fails_the_run_naming_the_file_and_keeps_the_published_copy(
    published: PipelineRun, tmp_path: Path, how: str
):
    landing = tmp_path / "landing"
    shutil.copytree(published.landing, landing)
    file_name = break_landing(landing, how)
    before = sha256(published.data_dir / "analytics.duckdb")
    versions_before = sorted(p.name for p in (published.data_dir / "versions").iterdir())

    outcome = run_on(landing, published.data_dir).outcome

    assert not outcome.success
    assert any(file_name in failure for failure in outcome.failures), outcome.failures
    assert sha256(published.data_dir / "analytics.duckdb") == before
    assert sorted(p.name for p in (published.data_dir / "versions").iterdir()) == versions_before


def test_quarantined_rows_are_recorded_even_when_the_run_fails(published: PipelineRun, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(published.landing, landing)
    break_landing(landing, "too many bad rows")
    failed = run_on(landing, published.data_dir)
    rows = failed.rows(
        "select line, column_name, reason from quarantine.rejected_rows "
        "where run_id = ? order by line",
        [failed.outcome.run_id],
    )
    assert [(r[0], r[1]) for r in rows] == [(2, "offence_code"), (3, "offence_code")]
