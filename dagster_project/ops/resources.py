"""Operational settings as resources: where alerts go, how long operational rows are kept."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage

import dagster as dg

from dagster_project.settings import DEFAULT_RETENTION_DAYS, Settings


class AlertResource(dg.ConfigurableResource):
    """Where run-failure alerts are sent besides <data_dir>/alerts/alerts.log."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: str = ""
    webhook_url: str = ""

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.smtp_to.split(",") if address.strip()]

    def channels(self) -> list[str]:
        channels = ["email"] if self.smtp_host and self.recipients else []
        return channels + (["webhook"] if self.webhook_url else [])

    def send_email(self, subject: str, body: str) -> None:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.smtp_from or "iom-warehouse@localhost"
        message["To"] = ", ".join(self.recipients)
        message.set_content(body)
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=30) as smtp:
            smtp.send_message(message)

    def post_webhook(self, payload: Mapping[str, object]) -> None:
        request = urllib.request.Request(
            self.webhook_url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


class RetentionResource(dg.ConfigurableResource):
    """How long quarantine rows, load-log rows and Dagster run records are kept."""

    days: int = DEFAULT_RETENTION_DAYS


def operations_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The alert and retention resources configured from IOM_ALERT_* and IOM_RETENTION_DAYS."""
    alerts = settings.alerts
    return {
        "alerts": AlertResource(
            smtp_host=alerts.smtp_host,
            smtp_port=alerts.smtp_port,
            smtp_from=alerts.smtp_from,
            smtp_to=alerts.smtp_to,
            webhook_url=alerts.webhook_url,
        ),
        "retention": RetentionResource(days=settings.retention_days),
    }
