"""How a published figure is written: the one formatter of `iom scorecard`, `iom live-cohort`
and the report.

A percentage never travels without its numerator and denominator ("44.8% (103 of 230
spells)"), a band or a mean says what it counts ("0-100 (215 of 527 spells)", "340.5 (n = 527
spells)"). With a threshold, counts from 1 to threshold - 1 show the suppression mark
(report/suppression.py holds the rule); without one (analysts' CLI) every figure is exact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from dagster_project.report.suppression import SUPPRESSED, is_small, rate_hidden

MISSING = "—"
# What the numerator and denominator of a ratio of means are: not counts, never suppressed.
POINTS = "points"


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA: a figure not computed (e.g. no exited spells yet)."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas.NA refuses bool()
        return True


def _small(value: Any, threshold: int | None) -> bool:
    return threshold is not None and not is_missing(value) and is_small(value, threshold)


def number(value: Any, digits: int = 1) -> str:
    """1,234.5"""
    return MISSING if is_missing(value) else f"{float(value):,.{digits}f}"


def signed(value: Any, digits: int = 1) -> str:
    """+12.5 / -310.2: a change, with its sign."""
    return MISSING if is_missing(value) else f"{float(value):+,.{digits}f}"


def count(value: Any, threshold: int | None = None) -> str:
    """1,234; the suppression mark for a small count when a threshold is given."""
    if is_missing(value):
        return MISSING
    return SUPPRESSED if _small(value, threshold) else f"{int(float(value)):,}"


def part(value: Any) -> str:
    """A numerator or denominator: a whole number as a count, otherwise one decimal."""
    if is_missing(value):
        return MISSING
    as_float = float(value)
    return f"{int(as_float):,}" if as_float.is_integer() else f"{as_float:,.1f}"


def _counted(counted: str | None) -> str:
    return f" {counted}" if counted else ""


def percentage(
    value: Any,
    numerator: Any,
    denominator: Any,
    counted: str | None = None,
    threshold: int | None = None,
) -> str:
    """'44.8% (103 of 230 spells)'; a ratio of mean scores shows its two means, '-74.8%
    (-254.7 / 340.5 points)'. With a threshold the parts count protected people, and the
    policy's rate rule (suppression.rate_hidden) may hide the whole figure."""
    if is_missing(value):
        return MISSING
    if threshold is not None and rate_hidden(numerator, denominator, threshold):
        return f"{SUPPRESSED} (small numbers)"
    text = f"{float(value):.1f}%"
    if is_missing(numerator) or is_missing(denominator):
        return text
    joint = " / " if counted == POINTS else " of "
    return f"{text} ({part(numerator)}{joint}{part(denominator)}{_counted(counted)})"


def p_value(p: Any) -> str:
    """'p < 0.001' or 'p = 0.012'."""
    if is_missing(p):
        return MISSING
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"


def band(
    label: Any,
    numerator: Any,
    denominator: Any,
    counted: str | None = None,
    threshold: int | None = None,
) -> str:
    """'0-100 (215 of 527 spells)': the modal band with the spells in it and of how many."""
    if is_missing(label):
        return MISSING
    if is_missing(numerator):
        return str(label)
    of = "" if is_missing(denominator) else f" of {count(denominator, threshold)}"
    return f"{label} ({count(numerator, threshold)}{of}{_counted(counted)})"


def mean(value: Any, n: Any, counted: str | None = None, threshold: int | None = None) -> str:
    """'340.5 (n = 527 spells)': a mean with the number of things averaged."""
    text = number(value)
    if is_missing(value) or is_missing(n):
        return text
    return f"{text} (n = {count(n, threshold)}{_counted(counted)})"


def scorecard_value(
    row: Mapping[str, Any], counted: str | None, threshold: int | None = None
) -> str:
    """One scorecard row (value, value_label, numerator, denominator, unit) as printed."""
    unit = row.get("unit")
    value, numerator, denominator = row.get("value"), row.get("numerator"), row.get("denominator")
    if counted == POINTS:
        threshold = None  # means of scores, not counts of anyone
    if unit == "band":
        return band(row.get("value_label"), numerator, denominator, counted, threshold)
    if unit == "count":
        return count(value, threshold)
    if unit == "pct":
        return percentage(value, numerator, denominator, counted, threshold)
    if unit == "p_value":
        return p_value(value)
    if unit == "ratio":
        if counted and not is_missing(denominator) and not is_missing(value):
            return f"{number(value, 2)} (n = {count(denominator, threshold)}{_counted(counted)})"
        return number(value, 2)
    if counted and not is_missing(denominator):
        return mean(value, denominator, counted, threshold)
    return number(value)


def month(value: date) -> str:
    """'Mar 2019'."""
    return f"{value:%b %Y}"


def window(start: date, end: date) -> str:
    """'Nov 2017 - Jan 2018': a window of months, each end with its year."""
    return f"{month(start)} - {month(end)}"
