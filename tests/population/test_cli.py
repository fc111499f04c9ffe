"""`iom selection` and `iom pseudonym` on a published run: output and the audit log."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from dagster_project.cli import main
from dagster_project.ops.audit import read_audit
from tests.pipeline import PipelineRun
from tests.population.fixture import key


def test_selection_prints_the_published_list_and_is_audited(
    population_run: PipelineRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("IOM_DATA_DIR", str(population_run.data_dir))
    assert main(["selection", "--top", "5"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["rank", "pseudonym", "rrs", "conviction_weight"]
    # ranks 1..5: TIED/TIEE, TIEB, TIEC, TOPA (test_selection.py)
    assert [line.split()[0] for line in lines[2:7]] == ["1", "2", "3", "4", "5"]
    assert key("TOPA") in lines[6]
    assert "(5 candidates)" in out
    entry = read_audit(population_run.data_dir, 1)[0]
    assert (entry.action, entry.rows_returned) == ("selection", 5)


def test_pseudonym_matches_ingestion_and_never_logs_ids_or_key(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    tmp_path,
) -> None:
    monkeypatch.setenv("IOM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IOM_PSEUDONYM_KEY", "a-test-key")
    ids = tmp_path / "ids.txt"
    ids.write_text("TOPA\n\nEXITED\n")
    assert main(["pseudonym", "N1", "--file", str(ids)]) == 0
    captured = capsys.readouterr()

    # HMAC-SHA256 of "nominal_key:<id>" under the key, first 20 hex digits (feeds.md)
    def digest(value: str) -> str:
        message = f"nominal_key:{value}".encode()
        return hmac.new(b"a-test-key", message, hashlib.sha256).hexdigest()[:20]

    expected = [f"{i}\t{digest(i)}" for i in ["N1", "TOPA", "EXITED"]]
    assert captured.out.splitlines() == expected
    assert "a-test-key" not in captured.out + captured.err
    assert "DEMO" not in captured.err
    entry = read_audit(tmp_path, 1)[0]
    assert (entry.action, entry.detail, entry.rows_returned) == (
        "pseudonym",
        "3 ids (nominal_key)",
        3,
    )
    assert "TOPA" not in entry.detail and "a-test-key" not in entry.detail


def test_pseudonym_warns_under_the_demo_key(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    tmp_path,
) -> None:
    monkeypatch.setenv("IOM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("IOM_PSEUDONYM_KEY", raising=False)
    assert main(["pseudonym", "TOPA"]) == 0
    captured = capsys.readouterr()
    # the test run used the same (demo) key: the printed pseudonym is the one in the marts
    assert captured.out.strip() == f"TOPA\t{key('TOPA')}"
    assert "DEMO key" in captured.err
