"""Month on month: the change beside each headline, the cohort's mean score by month, and
short generated sentences on the largest changes, each naming its figure and both values.

Figure B's changes come from the monthly series (cohort_monthly: the last month end against
the one before); Figure A's from the scorecard of the previous published version, when there
is one; the mean score from monthly_scores (read as a sum per month end, marts.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dagster_project.presentation.format import is_missing, month, number, signed
from dagster_project.presentation.metrics import metric

# A change is ranked by its size against the previous value, a previous value under this
# counted as this, so a count moving from 1 to 0 does not lead the commentary.
SMALLEST_BASE = 20
COMMENTARY_SENTENCES = 3
# Figure A units whose month-on-month change is meaningful as a difference.
CHANGING_UNITS = {"count", "score", "pct", "ratio"}


@dataclass(frozen=True)
class Change:
    """One headline figure at two dates: the figure it belongs to and both values."""

    figure: str  # where the reader finds it, e.g. "Figure B, live total"
    label: str  # what it is, in a sentence, e.g. "the live cohort (total)"
    before: float
    after: float
    before_when: str  # e.g. "Feb 2019"
    after_when: str
    unit: str = "count"  # count, score (points), pct (percentage points), ratio
    # "in Feb 2019" for a month of a series, "on 28 Feb 2019" for a published version's date
    at: str = "in"

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def size(self) -> float:
        return abs(self.delta) / max(abs(self.before), SMALLEST_BASE)


def change_text(delta: Any, unit: str) -> str:
    """'+3', '-14', '+12.5 points', '+1.7 percentage points'; '0' when nothing moved."""
    if is_missing(delta):
        return ""
    if unit == "count":
        rounded = round(float(delta))
        return f"{rounded:+,d}" if rounded else "0"
    if unit == "pct":
        return f"{signed(delta)} percentage points"
    if unit == "ratio":
        return signed(delta, 2)
    return f"{signed(delta)} points"


def _value(v: float, unit: str) -> str:
    if unit == "count":
        return f"{round(v):,}"
    if unit == "pct":
        return f"{number(v)}%"
    if unit == "ratio":
        return number(v, 2)
    return number(v)


def sentence(change: Change) -> str:
    """'The live cohort (total) fell from 244 in Feb 2019 to 230 in Mar 2019 (-14; Figure
    B, live total).'"""
    verb = "rose" if change.delta > 0 else "fell"
    return (
        f"{change.label[0].upper()}{change.label[1:]} {verb} from "
        f"{_value(change.before, change.unit)} {change.at} {change.before_when} to "
        f"{_value(change.after, change.unit)} {change.at} {change.after_when} "
        f"({change_text(change.delta, change.unit)}; {change.figure})."
    )


def commentary(changes: Sequence[Change], sentences: int = COMMENTARY_SENTENCES) -> list[str]:
    """The largest changes, largest first (ties: the order given), as sentences; figures that
    did not move are left out."""
    moved = [c for c in changes if c.delta]
    ranked = sorted(moved, key=lambda c: -c.size)
    return [sentence(c) for c in ranked[:sentences]]


def series_changes(
    month_ends: Sequence[date], rows: Sequence[tuple[str, Sequence[Any]]], figure: str
) -> list[Change]:
    """Last month end against the one before, for each (label, values) row with both."""
    if len(month_ends) < 2:
        return []
    out = []
    for label, values in rows:
        before, after = values[-2], values[-1]
        if is_missing(before) or is_missing(after):
            continue
        out.append(
            Change(
                f"{figure}, {label}",
                label,
                float(before),
                float(after),
                month(month_ends[-2]),
                month(month_ends[-1]),
            )
        )
    return out


def figure_a_changes(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    when: tuple[date, date],
    hidden: Mapping[str, bool] | None = None,
) -> dict[str, Change]:
    """Metric -> its change since the previous published version, for the 'all' rows of a
    unit that changes by difference (counts, scores, percentages, ratios). A metric hidden
    by the disclosure policy (hidden[metric]) gets no change: the change would reveal it."""
    if previous is None:
        return {}
    hidden = hidden or {}
    before = {
        r["metric"]: r["value"] for r in previous.to_dict("records") if r["breakdown"] == "all"
    }
    out = {}
    for r in current.to_dict("records"):
        code = r["metric"]
        if r["breakdown"] != "all" or r["unit"] not in CHANGING_UNITS or hidden.get(code):
            continue
        if is_missing(r["value"]) or is_missing(before.get(code)):
            continue
        m = metric(code, r["section"], r["unit"])
        unit = r["unit"]
        out[code] = Change(
            f"Figure A, {m.section_title}",
            m.label,
            float(before[code]),
            float(r["value"]),
            f"{when[0]:%-d %b %Y}",
            f"{when[1]:%-d %b %Y}",
            unit,
            "on",
        )
    return out


def mean_score_by_month(monthly: pd.DataFrame, cohort: pd.DataFrame) -> pd.DataFrame:
    """month_end, on_iom, mean_rrs: the mean like-for-like RRS of the nominals on IOM (live
    and watchlist) at each month end. monthly_scores has rows only for people with a score
    component, so the mean divides the sum by cohort_monthly's total on IOM (a nominal
    without a row scores 0)."""
    totals = cohort[(cohort["scheme"] == "ALL")]
    if "area" in totals.columns:
        totals = totals[totals["area"] == "ALL"]
    totals = totals[["month_end", "live_plus_watchlist"]].rename(
        columns={"live_plus_watchlist": "on_iom"}
    )
    scores = monthly[["month_end", "rrs_lfl_sum"]]
    totals = totals.assign(month_end=pd.to_datetime(totals["month_end"]))
    scores = scores.assign(month_end=pd.to_datetime(scores["month_end"]))
    merged = totals.merge(scores, on="month_end", how="left").sort_values("month_end")
    merged["rrs_lfl_sum"] = merged["rrs_lfl_sum"].fillna(0).astype(float)
    merged = merged[merged["on_iom"] > 0]
    merged["mean_rrs"] = merged["rrs_lfl_sum"] / merged["on_iom"]
    return merged[["month_end", "on_iom", "mean_rrs"]].reset_index(drop=True)
