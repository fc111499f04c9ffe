"""Small-number suppression for anything published: the one place the rule is written.

Primary suppression hides a count from 1 to threshold - 1 (a zero reveals no one). Secondary
suppression then hides enough further cells that no hidden count can be worked out by
subtracting the shown cells from a shown total: within every group that sums to a published
total, a lone hidden cell is joined by the smallest other non-zero cell of the group. The
internal marts keep the true values; only what is rendered for publication is masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dagster_project.transform.dbt_files import dbt_var

# Counts about victims and IDVA cases are more disclosive than counts of offenders. Both
# thresholds are dbt vars (dbt/dbt_project.yml): the SQL suppression of dv_outcomes_publishable
# and the report read the same setting.
VICTIM_THRESHOLD: int = int(dbt_var("suppression_threshold"))
COUNT_THRESHOLD: int = int(dbt_var("count_suppression_threshold"))
SUPPRESSED = "*"


def is_small(count: float | int | None, threshold: int) -> bool:
    """True when a count must not be published: from 1 to threshold - 1."""
    return count is not None and 1 <= count < threshold


def suppress_groups(
    cells: Sequence[float | int | None],
    groups: Iterable[Sequence[int]],
    threshold: int,
) -> list[bool]:
    """Which cells to hide, given groups of cell indexes that each add up to a shown total.

    Primary: every small cell. Secondary: repeat until stable, in each group with exactly one
    hidden cell also hide the smallest other non-zero cell (ties: the first), so the hidden
    cell cannot be recovered as total minus the others.
    """
    hidden = [is_small(c, threshold) for c in cells]
    group_list = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for group in group_list:
            if sum(hidden[i] for i in group) != 1:
                continue
            candidates = [i for i in group if not hidden[i] and cells[i]]
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


def threshold_for(counted: str | None) -> int | None:
    """The threshold for a figure whose counts count `counted` (scorecard_metrics.counted):
    survivors are victims; nominals and spells are offenders; mean scores are not counts."""
    if counted == "survivors":
        return VICTIM_THRESHOLD
    if counted in ("nominals", "spells"):
        return COUNT_THRESHOLD
    return None
