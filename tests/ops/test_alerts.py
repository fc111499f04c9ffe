"""Failed runs raise one plain alert each; bad input is never retried, transient failures are."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import RETRY_ON_ASSET_OR_OP_FAILURE_TAG, WILL_RETRY_TAG

from dagster_project.ops.alerts import alerts_log_path, run_failure_alert, scrub
from dagster_project.ops.failures import FAILURE_KIND_TAG, FailureKind, classify_failure
from dagster_project.ops.instance import instance_for
from dagster_project.ops.resources import AlertResource
from dagster_project.ops.runner import run_pipeline
from dagster_project.resources import WarehouseResource
from tests.ops.helpers import NOMINALS, small_landing


class Webhook:
    """A webhook receiver on the loopback address that keeps every JSON body posted to it."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    thread = threading.Thread(target=hook.server.serve_forever, daemon=True)
    thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def evaluate_sensor(instance: dg.DagsterInstance, cursor: str | None, resources: dict) -> str:
    """One tick of the run-failure sensor against the instance; returns the new cursor."""
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    run_failure_alert.evaluate_tick(context)
    return context.cursor


def fail_and_alert(tmp_path: Path, monkeypatch, landing: Path, webhook: Webhook):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    resources = {
        "alerts": AlertResource(webhook_url=webhook.url),
        "warehouse": WarehouseResource(data_dir=str(data_dir)),
    }
    instance = instance_for(data_dir)
    cursor = evaluate_sensor(instance, None, resources)
    outcome = run_pipeline(data_dir, landing_dir=landing, instance=instance)
    assert not outcome.success
    cursor = evaluate_sensor(instance, cursor, resources)
    # A second tick finds nothing new: one alert per failed run.
    evaluate_sensor(instance, cursor, resources)
    run = instance.get_run_by_id(outcome.run_id)
    lines = alerts_log_path(data_dir).read_text().splitlines()
    return run, [json.loads(line) for line in lines], alerts_log_path(data_dir).read_text()


def test_a_manifest_mismatch_alerts_once_names_the_step_and_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, webhook: Webhook
):
    landing = small_landing(tmp_path / "landing")
    arrests = landing / "arrests.csv"
    arrests.write_text(arrests.read_text().replace("BURGLARY", "ROBBERY", 1))

    run, alerts, raw_log = fail_and_alert(tmp_path, monkeypatch, landing, webhook)

    assert run.tags[FAILURE_KIND_TAG] == "bad_input"
    assert run.tags[RETRY_ON_ASSET_OR_OP_FAILURE_TAG] == "false"
    assert run.tags[WILL_RETRY_TAG] == "false"
    [alert] = alerts
    assert alert["run_id"] == run.run_id
    assert alert["level"] == "error"
    assert alert["will_retry"] is False
    assert alert["failed_steps"] == {
        "raw__arrests": "arrests.csv: sha256 does not match the manifest (file changed in transit)"
    }
    message = alert["message"]
    assert "raw__arrests: arrests.csv: sha256 does not match the manifest" in message
    assert "bad input, not retried" in message
    assert "Analysts still see: nothing" in message
    assert "corrected extract" in message
    assert not any(nominal in raw_log for nominal in NOMINALS)
    assert alert["delivery_errors"] == {}
    del alert["delivery_errors"]
    assert webhook.received == [alert]


def test_a_transient_failure_is_retried_once_and_only_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, webhook: Webhook
):
    landing = small_landing(tmp_path / "landing")
    # A directory where the warehouse file should be: DuckDB cannot open it, an I/O failure.
    (tmp_path / "data" / "warehouse.duckdb").mkdir(parents=True)

    run, alerts, _ = fail_and_alert(tmp_path, monkeypatch, landing, webhook)

    assert run.tags[FAILURE_KIND_TAG] == "transient"
    assert RETRY_ON_ASSET_OR_OP_FAILURE_TAG not in run.tags
    assert run.tags[WILL_RETRY_TAG] == "true"
    [alert] = alerts
    assert alert["level"] == "warning"
    assert "re-runs it once automatically" in alert["message"]
    assert "raw__iom_register" in alert["failed_steps"]
    assert webhook.received == []


def test_failures_are_told_apart_by_their_class():
    assert classify_failure(dg.Failure("bad file"), []) is FailureKind.BAD_INPUT
    flagged = dg.Failure("suite failed", metadata={"data_quality": True})
    assert classify_failure(flagged, []) is FailureKind.DATA_QUALITY
    assert classify_failure(RuntimeError("dbt exited 1"), ["marts/x:unique_id"]) is (
        FailureKind.DATA_QUALITY
    )
    assert classify_failure(OSError("disk full"), []) is FailureKind.TRANSIENT


def test_raw_identifiers_are_scrubbed_from_any_text():
    assert scrub("row for NOM-0000123 and idva-77 failed") == (
        "row for [redacted id] and [redacted id] failed"
    )
