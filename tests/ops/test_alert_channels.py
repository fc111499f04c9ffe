"""Alerts reach a mail server and survive a dead webhook (both on the loopback address)."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest

from dagster_project.ops.alerts import Alert, alerts_log_path, deliver
from dagster_project.ops.resources import AlertResource


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message, keep it."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        envelope: dict = {"rcpt": []}
        self.reply("220 test")
        while line := self.rfile.readline().decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                envelope["data"] = data
                self.server.received.append(envelope)
                self.reply("250 queued")
            elif verb == "RCPT":
                envelope["rcpt"].append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.TCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def an_alert() -> Alert:
    return Alert(
        run_id="run-1",
        job="nightly_warehouse",
        failure_kind="data_quality",
        will_retry=False,
        failed_steps={"iom_dbt_models": "dbt build failed; row for NOM-0000042 broke a test"},
        failed_checks=["marts/scorecard:not_null_scorecard_value"],
        published="version v1 (as of 2019-03-31), unchanged",
        advice="Fix it.",
    )


def test_an_alert_is_mailed_to_every_recipient_and_a_dead_webhook_is_logged(
    tmp_path: Path, smtp_server: socketserver.TCPServer
):
    channels = AlertResource(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.server_address[1],
        smtp_from="warehouse@force.example",
        smtp_to="duty@force.example, analysts@force.example",
        webhook_url=f"http://127.0.0.1:{closed_port()}/hook",
    )

    errors = deliver(an_alert(), channels, tmp_path)

    [mail] = smtp_server.received
    assert mail["rcpt"] == ["duty@force.example", "analysts@force.example"]
    message = message_from_bytes(mail["data"])
    assert message["Subject"] == (
        "IOM warehouse: nightly_warehouse failed (data quality, not retried)"
    )
    body = message.get_payload()
    assert "marts/scorecard:not_null_scorecard_value" in body
    assert "NOM-0000042" not in body
    assert "[redacted id]" in body
    assert list(errors) == ["webhook"]
    [logged] = [json.loads(line) for line in alerts_log_path(tmp_path).read_text().splitlines()]
    assert logged["delivery_errors"] == errors
    assert "NOM-0000042" not in json.dumps(logged)
