"""Run-failure alerts a person can act on: what failed, why, what to do; no personal data."""

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster import DagsterEventType, DagsterInstance, DagsterRun
from dagster._core.storage.tags import WILL_RETRY_TAG
from dagster._utils.error import SerializableErrorInfo

from dagster_project.ops.errors import explain
from dagster_project.ops.failures import FAILURE_KIND_TAG, FailureKind, failed_blocking_checks
from dagster_project.ops.resources import AlertResource
from dagster_project.publish.versions import current_version_id, list_versions
from dagster_project.resources import WarehouseResource

ALERTS_DIR = "alerts"
ALERTS_FILE = "alerts.log"
# Our messages never carry raw identifiers; this catches any that slip in from elsewhere
# (a library's error quoting a value, say) before it leaves the machine.
RAW_ID_PATTERN = re.compile(r"\b(?:NOM|IDVA)-\d+\b", re.IGNORECASE)
REDACTED = "[redacted id]"
_REASON_LIMIT = 400

ADVICE = {
    FailureKind.BAD_INPUT: (
        "The extract in the landing folder broke the feed contract (reason above). Ask the "
        "source system for a corrected extract or fix the landing folder, then re-run "
        "(`iom run`, or launch nightly_warehouse in the Dagster UI). It is not retried "
        "automatically: the same input would fail the same way."
    ),
    FailureKind.DATA_QUALITY: (
        "A blocking data-quality check failed, so nothing was published. Open the run in the "
        "Dagster UI to see the check's result, look at quarantine.rejected_rows, correct the "
        "source data (or the rule, if it is wrong), then re-run. It is not retried "
        "automatically."
    ),
    FailureKind.TRANSIENT: (
        "The failure looks transient (I/O, a lock, a crashed process). Check disk space, "
        "permissions and that nothing else has data/warehouse.duckdb open, then re-run."
    ),
}
ADVICE[FailureKind.DEAD] = (
    "The run's process ended without finishing (killed, out of memory, or the machine "
    "stopped) and was marked failed. Its half-done work is not served: analysts still see "
    "the version above. Check memory and disk (`df -h`, `dmesg`), then re-run."
)
RETRYING_ADVICE = (
    "The failure looks transient: Dagster re-runs it once automatically. Nothing to do unless "
    "the retry fails too (a second alert follows then)."
)


def scrub(text: str) -> str:
    return RAW_ID_PATTERN.sub(REDACTED, text)


@dataclass
class Alert:
    run_id: str
    job: str
    failure_kind: str
    will_retry: bool
    failed_steps: dict[str, str]
    failed_checks: list[str]
    published: str
    advice: str
    logged_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def level(self) -> str:
        return "warning" if self.will_retry else "error"

    @property
    def subject(self) -> str:
        kind = self.failure_kind.replace("_", " ")
        retry = "retrying once" if self.will_retry else "not retried"
        return f"IOM warehouse: {self.job} failed ({kind}, {retry})"

    @property
    def message(self) -> str:
        lines = [
            f"{self.subject}.",
            f"Run {self.run_id} failed; nothing new was published (alert of {self.logged_at}).",
            "Failed steps:",
            *(f"  - {step}: {reason}" for step, reason in self.failed_steps.items()),
        ]
        if not self.failed_steps:
            lines.append("  - none recorded (the run failed outside a step: see its logs)")
        if self.failed_checks:
            lines += ["Failed blocking checks:", *(f"  - {c}" for c in self.failed_checks)]
        lines += [
            f"Analysts still see: {self.published}.",
            f"What to do: {self.advice}",
            f"Details: Dagster UI > Runs > {self.run_id}",
        ]
        return scrub("\n".join(lines))

    def record(self) -> dict[str, object]:
        return {
            **{k: scrub(v) if isinstance(v, str) else v for k, v in asdict(self).items()},
            "failed_steps": {k: scrub(v) for k, v in self.failed_steps.items()},
            "level": self.level,
            "subject": self.subject,
            "message": self.message,
        }


def _chain_text(error: SerializableErrorInfo | None) -> str:
    parts = []
    while error is not None:
        parts.append(error.message)
        error = error.cause or error.context
    return "\n".join(parts)


def _step_reasons(instance: DagsterInstance, run_id: str) -> dict[str, str]:
    reasons = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        event = entry.dagster_event
        failure = event.step_failure_data
        user = failure.user_failure_data
        if user and user.description:
            reason = user.description
        elif failure.error:
            first_line = (failure.error.message.strip().splitlines() or [""])[0]
            reason = explain(_chain_text(failure.error), "the data dir") or (
                f"{failure.error.cls_name}: {first_line}"
            )
        else:
            reason = "unknown error"
        reasons[event.step_key] = reason[:_REASON_LIMIT]
    return reasons


def _published_summary(data_dir: Path) -> str:
    current = current_version_id(data_dir)
    version = next((v for v in list_versions(data_dir) if v.version_id == current), None)
    if version is None:
        return "nothing (no version has been published yet)"
    return f"version {version.version_id} (as of {version.as_of}), unchanged"


def build_alert(instance: DagsterInstance, run: DagsterRun, data_dir: Path) -> Alert:
    kind_tag = run.tags.get(FAILURE_KIND_TAG)
    kind = FailureKind(kind_tag) if kind_tag else FailureKind.TRANSIENT
    will_retry = run.tags.get(WILL_RETRY_TAG) == "true"
    return Alert(
        run_id=run.run_id,
        job=run.job_name,
        failure_kind=kind.value,
        will_retry=will_retry,
        failed_steps=_step_reasons(instance, run.run_id),
        failed_checks=failed_blocking_checks(instance, run.run_id),
        published=_published_summary(data_dir),
        advice=RETRYING_ADVICE if will_retry else ADVICE[kind],
    )


@dataclass
class NoticeAlert:
    """An alert about a run that is missing rather than failed (the nightly run did not start)."""

    job: str
    subject: str
    reason: str
    published: str
    advice: str
    will_retry: bool = False
    logged_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def message(self) -> str:
        return scrub(
            "\n".join(
                [
                    f"{self.subject}.",
                    self.reason,
                    f"Analysts still see: {self.published}.",
                    f"What to do: {self.advice}",
                ]
            )
        )

    def record(self) -> dict[str, object]:
        return {
            **{k: scrub(v) if isinstance(v, str) else v for k, v in asdict(self).items()},
            "level": "error",
            "message": self.message,
        }


def published_summary(data_dir: Path) -> str:
    return _published_summary(data_dir)


def alerts_log_path(data_dir: Path) -> Path:
    return Path(data_dir) / ALERTS_DIR / ALERTS_FILE


def deliver(alert: Alert | NoticeAlert, channels: AlertResource, data_dir: Path) -> dict[str, str]:
    """Append the alert to alerts.log and send it where configured; returns delivery errors.

    A run that Dagster retries is only logged: the retry's outcome is what a person needs.
    """
    errors: dict[str, str] = {}
    record = alert.record()
    if not alert.will_retry:
        for channel in channels.channels():
            try:
                if channel == "email":
                    channels.send_email(alert.subject, alert.message)
                else:
                    channels.post_webhook(record)
            except OSError as exc:
                errors[channel] = f"{type(exc).__name__}: {exc}"
    path = alerts_log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**record, "delivery_errors": errors}, sort_keys=True) + "\n")
    return errors


@dg.run_failure_sensor(
    name="run_failure_alert",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Writes a plain alert for every failed run to <data_dir>/alerts/alerts.log and, when "
        "configured, e-mails it or posts it to a webhook."
    ),
)
def run_failure_alert(
    context: dg.RunFailureSensorContext, alerts: AlertResource, warehouse: WarehouseResource
) -> None:
    alert = build_alert(context.instance, context.dagster_run, warehouse.root)
    errors = deliver(alert, alerts, warehouse.root)
    context.log.info(f"Alert logged for run {alert.run_id} ({alert.failure_kind})")
    for channel, error in errors.items():
        context.log.error(f"Alert for run {alert.run_id} not sent by {channel}: {error}")
