"""Which failures a re-run can fix: transient ones are retried once, bad data never.

Dagster's run retries (deploy/dagster.yaml: max_retries 1) re-run a failed run unless the run
carries the tag dagster/retry_on_asset_or_op_failure=false. This job-level failure hook sets
that tag, before the run fails, when a step failed for a reason that a re-run cannot fix:
- bad input: a step raised dagster.Failure (our code raises it for a missing or changed file,
  a manifest mismatch, a wrong header, too many bad rows: a deliberate stop, not an accident);
- data quality: a blocking asset check failed (DagsterAssetCheckFailedError), or dbt failed
  after recording a failed ERROR-severity check (a dbt test) in this run.
Anything else (an I/O error, a lock held by another process, a crashed dbt) is transient.
"""

from __future__ import annotations

from enum import StrEnum

import dagster as dg
from dagster import AssetCheckSeverity, DagsterEventType, DagsterInstance
from dagster._core.errors import DagsterAssetCheckFailedError
from dagster._core.storage.tags import RETRY_ON_ASSET_OR_OP_FAILURE_TAG

FAILURE_KIND_TAG = "iom/failure_kind"


class FailureKind(StrEnum):
    BAD_INPUT = "bad_input"
    DATA_QUALITY = "data_quality"
    TRANSIENT = "transient"
    # The run's process ended without finishing (kill -9, OOM, power): found by ops/recovery.py.
    DEAD = "dead"

    @property
    def retryable(self) -> bool:
        return self in (FailureKind.TRANSIENT, FailureKind.DEAD)


def failed_blocking_checks(instance: DagsterInstance, run_id: str) -> list[str]:
    """'asset/key:check_name' of every ERROR-severity check that failed in the run."""
    failed = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR:
            failed.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
    return failed


def classify_failure(error: BaseException | None, failed_checks: list[str]) -> FailureKind:
    if isinstance(error, dg.Failure):
        quality = error.metadata.get("data_quality")
        return FailureKind.DATA_QUALITY if quality and quality.value else FailureKind.BAD_INPUT
    if isinstance(error, DagsterAssetCheckFailedError) or failed_checks:
        return FailureKind.DATA_QUALITY
    return FailureKind.TRANSIENT


@dg.failure_hook(name="classify_failure_for_retry")
def classify_failure_for_retry(context: dg.HookContext) -> None:
    """Tag the run so Dagster retries it once only when the failure is transient."""
    instance, run_id = context.instance, context.run_id
    kind = classify_failure(context.op_exception, failed_blocking_checks(instance, run_id))
    run = instance.get_run_by_id(run_id)
    earlier = run.tags.get(FAILURE_KIND_TAG) if run else None
    # A run with one non-retryable failure is not retried, whatever else failed transiently.
    if earlier and not FailureKind(earlier).retryable:
        return
    tags = {FAILURE_KIND_TAG: kind.value}
    if not kind.retryable:
        tags[RETRY_ON_ASSET_OR_OP_FAILURE_TAG] = "false"
    instance.add_run_tags(run_id, tags)
    context.log.info(f"Step {context.step_key} failed: {kind.value} (retried: {kind.retryable})")
