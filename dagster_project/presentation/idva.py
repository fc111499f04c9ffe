"""The printed labels of the IDVA codes (abuse types, outcomes at closure), in printed order.

Read from the dbt seed idva_labels, which the mart idva_outcomes_labelled joins too: the
report's IDVA table and analysts' SQL show the same words.
"""

from __future__ import annotations

from functools import cache

from dagster_project.transform.dbt_files import seed_rows

SEED = "idva_labels"


@cache
def idva_labels(category: str) -> dict[str, str]:
    """Code -> printed label for one category (abuse_type or outcome), in display order."""
    rows = sorted(
        (r for r in seed_rows(SEED) if r["category"] == category),
        key=lambda r: int(r["display_order"]),
    )
    return {r["code"]: r["label"] for r in rows}


ABUSE_TYPES = idva_labels("abuse_type")
OUTCOMES = idva_labels("outcome")
