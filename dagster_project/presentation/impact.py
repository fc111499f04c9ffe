"""`iom impact` and the impact lines of `iom scorecard`: naive and adjusted side by side.

Reads the published impact_evaluation mart (metrics.md, impact_evaluation); the report's
"Is the fall real?" section uses the same wording (CAVEAT, headline).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.publish.published import NotPublishedError, PublishedRead, open_published

BREAKDOWNS = ("all", "GENERIC", "DV")
CAVEAT = (
    "Caveat: matching on score, year and custody cannot remove every difference between who "
    "is picked and who is not (a panel knows more than the matrix), so the adjusted figure is "
    "an estimate of IOM's effect, not proof of it."
)
IMPACT_SQL = (
    "select section, metric, breakdown, value, numerator, denominator, unit, as_of "
    "from impact_evaluation"
)

Figures = Mapping[tuple[str, str], float | None]


def read_impact(read: PublishedRead) -> list[dict[str, Any]]:
    """The published impact_evaluation rows; [] when the mart is not published."""
    try:
        result = read.query(IMPACT_SQL)
    except duckdb.CatalogException:  # a version published before the mart existed
        return []
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def figures(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], float | None]:
    return {(r["metric"], r["breakdown"]): r["value"] for r in rows}


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:+,.1f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}%"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _count(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def headline(f: Figures, breakdown: str = "all") -> tuple[str, str]:
    """(naive, adjusted) one-liners of a breakdown."""
    n = f.get(("matched_spells", breakdown))
    naive = (
        f"naive change {_score(f.get(('mean_observed_change', breakdown)))} points "
        f"({_pct(f.get(('naive_change_pct', breakdown)))}) over {_count(n)} matched spells"
    )
    adjusted = (
        f"adjusted effect {_score(f.get(('mean_effect', breakdown)))} points "
        f"({_pct(f.get(('effect_pct', breakdown)))}; 95% CI "
        f"{_score(f.get(('effect_ci_low', breakdown)))} to "
        f"{_score(f.get(('effect_ci_high', breakdown)))})"
    )
    return naive, adjusted


ROWS = [
    ("Treated spells", "treated_spells", _count),
    ("Matched spells (n)", "matched_spells", _count),
    ("Unmatched spells", "unmatched_spells", _count),
    ("Mean baseline score", "mean_baseline_score", lambda v: "-" if v is None else f"{v:,.1f}"),
    ("Naive change (points)", "mean_observed_change", _score),
    ("Naive change %", "naive_change_pct", _pct),
    ("Expected change (comparison)", "mean_expected_change", _score),
    ("Adjusted effect (points)", "mean_effect", _score),
    ("Adjusted effect %", "effect_pct", _pct),
    ("  95% CI low", "effect_ci_low", _score),
    ("  95% CI high", "effect_ci_high", _score),
    ("Share of naive change from RTM", "rtm_share_pct", _rate),
    ("Comparison person-months", "comparison_person_months", _count),
    ("Reoffending: treated spells", "reoffending_treated_spells", _count),
    ("Reoffending: matched spells", "reoffending_matched_spells", _count),
    ("Reoffending rate, treated", "reoffending_rate_treated", _rate),
    ("Reoffending rate, expected", "reoffending_rate_expected", _rate),
    ("Reoffences per 100, treated", "reoffending_frequency_treated", _count),
    ("Reoffences per 100, expected", "reoffending_frequency_expected", _count),
]


def render_impact(rows: Sequence[Mapping[str, Any]]) -> str:
    f = figures(rows)
    as_of = rows[0]["as_of"] if rows else None
    naive, adjusted = headline(f)
    lines = [
        f"Did IOM work? Scores net of regression to the mean, as of {as_of}",
        "(rrs_lfl at the month end before entry vs the horizon; comparison: people of the same "
        "score band, year and custody status not on IOM)",
        "",
        f"  Naive:    {naive}",
        f"  Adjusted: {adjusted}",
        "",
    ]
    width = max(len(label) for label, _, _ in ROWS) + 2
    lines.append(f"  {'':<{width}}" + "".join(f"{b:>12}" for b in BREAKDOWNS))
    for label, metric, shown in ROWS:
        cells = "".join(f"{shown(f.get((metric, b))):>12}" for b in BREAKDOWNS)
        lines.append(f"  {label:<{width}}{cells}")
    lines += ["", CAVEAT]
    return "\n".join(lines)


def significance_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The scorecard's Significance section: the adjusted effect beside the naive change."""
    if not rows:
        return []
    naive, adjusted = headline(figures(rows))
    return [
        "  Impact net of regression to the mean (impact_evaluation, all spells):",
        f"    {naive}",
        f"    {adjusted}",
        f"    {CAVEAT}",
    ]


def print_impact(data_dir: Path, as_of: date | None = None) -> int:
    """Print the published impact evaluation; exit code 2 when nothing is published yet."""
    try:
        with open_published(data_dir, "impact", "iom impact", as_of=as_of) as read:
            rows = read_impact(read)
            read.rows_returned = len(rows)
    except NotPublishedError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not rows:
        print("impact_evaluation is not in the published version yet: run `iom run`.")
        return 2
    print(render_impact(rows))
    return 0
