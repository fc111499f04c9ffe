"""Runs the nightly job in process, exactly as the schedule would, and reports the outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, EnvVar, ExecuteInProcessResult
from dagster._utils.error import SerializableErrorInfo

from dagster_project.definitions import NIGHTLY_JOB_NAME, defs
from dagster_project.ops.errors import explain
from dagster_project.ops.instance import instance_for


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failures: list[str] = field(default_factory=list)


def run_config_value(value: object) -> object:
    """A configured value as run config gives it again: an environment variable by name, so
    that its value stays out of the run's record and the UI."""
    return {"env": value.env_var_name} if isinstance(value, EnvVar) else value


def run_config_for(
    data_dir: Path | None = None,
    landing_dir: Path | None = None,
    as_of: date | None = None,
    activate: bool = True,
    engine: str | None = None,
    spark_conf: str | None = None,
) -> dict:
    """engine, spark_conf: None keeps what IOM_ENGINE and IOM_SPARK_CONF chose (settings); a
    test or benchmark may name others.

    Run config replaces a resource's whole config (fields left out take the class defaults,
    not the values Definitions was built with), so every configured value of the warehouse
    (memory limit, spill folder, marking, engine) is given again beside the data dir.
    """
    resources: dict[str, dict] = {}
    if data_dir is not None:
        configured = defs.resources["warehouse"]
        warehouse: dict[str, object] = {
            name: run_config_value(getattr(configured, name))
            for name in type(configured).model_fields
        }
        warehouse["data_dir"] = str(Path(data_dir).resolve())
        if engine:
            warehouse["engine"] = engine
        if spark_conf is not None:
            warehouse["spark_conf"] = spark_conf
        resources["warehouse"] = {"config": warehouse}
        resources["run_lock"] = {"config": {"data_dir": str(Path(data_dir).resolve())}}
    if landing_dir is not None:
        resources["landing"] = {"config": {"landing_dir": str(Path(landing_dir).resolve())}}
    settings: dict[str, object] = {}
    if as_of is not None:
        settings["as_of"] = as_of.isoformat()
    if not activate:
        settings["activate"] = False
    if settings:
        resources["run_settings"] = {"config": settings}
    return {
        "resources": resources,
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }


def _chain_text(error: SerializableErrorInfo | None) -> str:
    parts = []
    while error is not None:
        parts.append(error.message)
        error = error.cause or error.context
    return "\n".join(parts)


def outcome_of(result: ExecuteInProcessResult, data_dir: Path | None = None) -> RunOutcome:
    """Success and the message of every failed step (a failed check names asset and check)."""
    failures = []
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            message = (user.description if user and user.description else None) or (
                _root_cause(error) if error else "unknown error"
            )
            explained = explain(_chain_text(error), data_dir) if data_dir else None
            failures.append(f"{event.step_key}: {explained or message}")
        elif event.event_type == DagsterEventType.RESOURCE_INIT_FAILURE:
            # The run stopped before its first step (e.g. another run holds the warehouse).
            failures.append(f"run start: {_root_cause(event.event_specific_data.error)}")
    return RunOutcome(run_id=result.run_id, success=result.success, failures=failures)


def _root_cause(error: SerializableErrorInfo | None) -> str:
    """The innermost error's first line, without its class path: what a person can act on."""
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    lines = [line.strip() for line in error.message.strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if first.endswith(":") and len(lines) > 1:
        # "N blocking asset checks failed ...:" lists the checks on the lines that follow
        first = f"{first} {'; '.join(lines[1:])}"
    return re.sub(r"^[\w.]*(?:Error|Failure|Exception): ", "", first)


def run_pipeline(
    data_dir: Path,
    landing_dir: Path | None = None,
    as_of: date | None = None,
    instance: DagsterInstance | None = None,
    activate: bool = True,
    engine: str | None = None,
    spark_conf: str | None = None,
) -> RunOutcome:
    job = defs.resolve_job_def(NIGHTLY_JOB_NAME)
    result = job.execute_in_process(
        run_config=run_config_for(data_dir, landing_dir, as_of, activate, engine, spark_conf),
        instance=instance or instance_for(data_dir),
        raise_on_error=False,
    )
    return outcome_of(result, Path(data_dir).resolve())
