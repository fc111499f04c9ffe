"""What the quality checks cost: check-step time as a share of the run, from the event log."""

from __future__ import annotations

from dataclasses import dataclass

from dagster import DagsterInstance

from dagster_project.definitions import defs


@dataclass(frozen=True)
class CheckCost:
    run_seconds: float
    check_seconds: float

    @property
    def share(self) -> float:
        return self.check_seconds / self.run_seconds if self.run_seconds else 0.0


def check_step_keys() -> set[str]:
    """Step keys of the check-only steps (dbt tests run inside the dbt step, not counted)."""
    return {checks.node_def.name for checks in defs.asset_checks or ()}


def check_cost(instance: DagsterInstance, run_id: str) -> CheckCost:
    stats = instance.get_run_stats(run_id)
    steps = instance.get_run_step_stats(run_id)
    names = check_step_keys()
    check_seconds = sum(
        (s.end_time - s.start_time)
        for s in steps
        if s.step_key in names and s.start_time and s.end_time
    )
    run_seconds = (stats.end_time or 0) - (stats.start_time or 0)
    return CheckCost(run_seconds=run_seconds, check_seconds=check_seconds)
