"""The bootstrap interval of impact_evaluation's mean_effect (metrics.md, impact_evaluation).

The strata, the comparison means and each matched spell's effect_i are set-based SQL
(int_impact_comparison_strata, int_impact_spells); only the resampling is here. A resample
draws n matched spells with replacement and takes the mean of their effect_i, with each
spell's expected change held fixed (the comparison means are not re-estimated): the interval
says how much the figure moves with which treated spells happened to be in the data.
"""

from __future__ import annotations

import dagster as dg
import numpy as np
import pandas as pd

from dagster_project.resources import RunLockResource, WarehouseResource
from dagster_project.scoring.frames import replace_table_from_frame
from dagster_project.scoring.statistics import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, CI_LEVEL

IMPACT_BOOTSTRAP_TABLE = "scoring.impact_bootstrap"
BREAKDOWNS = ("all", "GENERIC", "DV")
# Resamples per batch: bounds memory at batch x n draws (n = matched spells).
_BATCH = 100

BOOTSTRAP_COLUMN_TYPES = {
    "breakdown": "varchar",
    "matched_spells": "integer",
    "resamples": "integer",
    "effect_ci_low": "double",
    "effect_ci_high": "double",
}


def bootstrap_mean_ci(
    effects: np.ndarray, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> tuple[float, float] | None:
    """95% percentile bootstrap interval of the mean of `effects`; None for no spells.

    effect_i = observed_i - the stratum's expected change, with integer observed changes and
    few strata, so effects repeat: a resample of n spells is then a multinomial draw over the
    k distinct values (as the statistics asset does for the HL shift), O(k) instead of O(n)
    per resample. With mostly distinct values, spells are drawn by index instead.
    """
    n = int(effects.size)
    if n == 0:
        return None
    rng = np.random.default_rng(seed)
    values, counts = np.unique(effects, return_counts=True)
    means = np.empty(resamples)
    for start in range(0, resamples, _BATCH):
        size = min(_BATCH, resamples - start)
        if values.size * 4 <= n:
            draws = rng.multinomial(n, counts / n, size=size)
            means[start : start + size] = draws @ values / n
        else:
            means[start : start + size] = effects[rng.integers(0, n, size=(size, n))].mean(axis=1)
    alpha = (1 - CI_LEVEL) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def bootstrap_rows(spells: pd.DataFrame) -> pd.DataFrame:
    """One row per breakdown: matched spells, resamples and the interval (empty for none)."""
    rows = []
    for breakdown in BREAKDOWNS:
        part = spells if breakdown == "all" else spells[spells["scheme"] == breakdown]
        effects = part["effect"].to_numpy(dtype=float)
        ci = bootstrap_mean_ci(effects)
        rows.append(
            {
                "breakdown": breakdown,
                "matched_spells": int(effects.size),
                "resamples": BOOTSTRAP_RESAMPLES if ci else 0,
                "effect_ci_low": ci[0] if ci else None,
                "effect_ci_high": ci[1] if ci else None,
            }
        )
    return pd.DataFrame(rows).astype({"effect_ci_low": "float64", "effect_ci_high": "float64"})


@dg.asset(
    key=["scoring", "impact_bootstrap"],
    group_name="scoring",
    kinds={"python", "duckdb"},
    deps=[dg.AssetKey(["intermediate", "int_impact_spells"])],
    description=(
        "One row per breakdown of impact_evaluation (all, GENERIC, DV): the 95% percentile "
        "bootstrap interval of mean_effect over the matched spells (2,000 resamples, seeded, "
        "expected change held fixed)."
    ),
)
def impact_bootstrap(
    warehouse: WarehouseResource, run_lock: RunLockResource
) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        # ordered so the seeded draws do not depend on the order DuckDB returns rows in
        spells = con.execute(
            "select scheme, effect from intermediate.int_impact_spells "
            "where is_matched order by spell_id"
        ).df()
        frame = bootstrap_rows(spells)
        replace_table_from_frame(con, IMPACT_BOOTSTRAP_TABLE, frame, BOOTSTRAP_COLUMN_TYPES)
    overall = frame.set_index("breakdown").loc["all"]
    bounds = {
        name: None if pd.isna(overall[name]) else float(overall[name])
        for name in ("effect_ci_low", "effect_ci_high")
    }
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "matched_spells": int(overall["matched_spells"]),
            **bounds,
        }
    )
