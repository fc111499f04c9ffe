"""The disclosure policy (docs/disclosure.md) as code: the one place that decides what is
suppressed in anything published, and how.

What is protected, and at which threshold:
- survivors (IDVA cases and the share of survivors who felt safer): the dbt var
  suppression_threshold (10);
- small breakdowns of the managed cohort that can single a person out: nominals by release
  area (Figure B's area rows) and spells per RRS band (the score distribution): the dbt var
  count_suppression_threshold (5).
Everything else is operational aggregate data about the managed cohort, which the force
already publishes (Figure A, Figure B's scheme rows, releases due by scheme, the charts of
them, the forecast backtest, selection aggregates, the impact evaluation): not suppressed.

Primary suppression hides a protected count from 1 to threshold - 1 (a zero reveals no one).
Secondary suppression then hides enough further cells that no hidden count can be worked out
by subtracting the shown cells from a shown total: within every group that sums to a
published total, a lone hidden cell is joined by the smallest other non-zero cell of the
group that may be hidden (never a headline cell). A rate is hidden when its numerator is
small or it rests on fewer people than the threshold. The internal marts keep the true
values; only what is rendered for publication is masked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from dagster_project.transform.dbt_files import dbt_var

# Both thresholds are dbt vars (dbt/dbt_project.yml), each set there once: the SQL suppression
# of dv_outcomes_publishable and the report read the same setting.
VICTIM_THRESHOLD: int = int(dbt_var("suppression_threshold"))
COUNT_THRESHOLD: int = int(dbt_var("count_suppression_threshold"))
SUPPRESSED = "*"

# What a figure counts, as the policy names it (scorecard_metrics.counted uses the first).
SURVIVORS = "survivors"
RELEASE_AREA = "release_area"
SCORE_BAND = "score_band"
PROTECTED: dict[str, int] = {
    SURVIVORS: VICTIM_THRESHOLD,
    RELEASE_AREA: COUNT_THRESHOLD,
    SCORE_BAND: COUNT_THRESHOLD,
}


def threshold_for(counted: str | None) -> int | None:
    """The threshold for figures counting `counted`; None for what is published exactly
    (nominals, spells and points of the managed cohort's headline figures)."""
    return PROTECTED.get(counted or "")


def is_small(count: float | int | None, threshold: int) -> bool:
    """True when a count must not be published: from 1 to threshold - 1."""
    return count is not None and 1 <= count < threshold


def rate_hidden(numerator: Any, denominator: Any, threshold: int | None) -> bool:
    """A rate (percentage) of protected people is hidden when its numerator is a small count
    or its denominator is under the threshold (a rate of fewer people than the threshold).
    The remainder (denominator - numerator) is not a cell of its own: a force-wide rate on at
    least `threshold` people is published whole (felt safer, 31 of 36)."""
    if threshold is None:
        return False
    small_numerator = _number(numerator) is not None and is_small(_number(numerator), threshold)
    base = _number(denominator)
    return small_numerator or (base is not None and 0 < base < threshold)


def _number(value: Any) -> float | None:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return None
    return None if as_float != as_float else as_float


def suppress_groups(
    cells: Sequence[float | int | None],
    groups: Iterable[Sequence[int]],
    threshold: int,
    exempt: Collection[int] = (),
) -> list[bool]:
    """Which cells to hide, given groups of cell indexes that each add up to a shown total.

    Primary: every small cell not exempt. Secondary: repeat until stable, in each group with
    exactly one hidden cell also hide the smallest other non-zero cell that is not exempt
    (ties: the first in the group), so the hidden cell cannot be recovered as total minus the
    others. Exempt cells (published headline figures) are never hidden.
    """
    hidden = [i not in exempt and is_small(c, threshold) for i, c in enumerate(cells)]
    group_list = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for group in group_list:
            if sum(hidden[i] for i in group) != 1:
                continue
            candidates = [i for i in group if not hidden[i] and cells[i] and i not in exempt]
            if candidates:
                partner = min(candidates, key=lambda i: (cells[i], group.index(i)))
                hidden[partner] = True
                changed = True
    return hidden


def suppress_table(
    rows: Sequence[Sequence[float | int | None]], threshold: int, column_totals: bool = True
) -> list[list[bool]]:
    """Which cells of a table with row totals (and column totals, unless told otherwise) to
    hide; the totals themselves are judged by `is_small` by the caller."""
    width = len(rows[0]) if rows else 0
    flat = [cell for row in rows for cell in row]
    groups = [range(r * width, (r + 1) * width) for r in range(len(rows))]
    if column_totals:
        groups += [range(c, len(flat), width) for c in range(width)]
    hidden = suppress_groups(flat, groups, threshold)
    return [hidden[r * width : (r + 1) * width] for r in range(len(rows))]


def show_count(count: float | int | None, hidden: bool) -> str:
    """A count as published: the suppression mark when hidden, thousands separated otherwise."""
    if hidden:
        return SUPPRESSED
    if count is None:
        return "—"
    return f"{int(count):,}"
