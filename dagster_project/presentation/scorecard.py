"""The published scorecard laid out like Figure A of the board report, for `iom scorecard`."""

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dagster_project.presentation.impact import read_impact, significance_lines
from dagster_project.publish.published import NotPublishedError, run_query

SECTIONS = ["Process", "Recidivism", "Entry", "Mid", "Exit", "DVIOM", "Reduction", "Significance"]
SECTION_TITLES = {"Mid": "Mid by cohort"}

# Display labels in Figure A order; metrics not listed (new ones) follow in name order.
LABELS = {
    "unique_nominals": "Unique nominals",
    "on_iom_nominals": "Currently on IOM",
    "exited_nominals": "Exited",
    "successful_exit_pct": "Successful exit",
    "reentered_nominals": "Re-entered",
    "reentered_pct": "Re-entered (% of nominals)",
    "mean_entry_score": "Mean entry score",
    "mode_entry_band": "Mode entry band",
    "cohort_size": "Cohort size",
    "cohort_mean_mid_score": "Mean mid score",
    "cohort_mean_entry_score": "Mean entry score",
    "cohort_mid_variance": "Variance mid vs entry",
    "cohort_mid_variance_pct": "Variance mid vs entry (%)",
    "cohort_mode_mid_band": "Mode mid band",
    "mean_exit_score": "Mean exit score",
    "exit_variance": "Variance from entry",
    "exit_variance_pct": "Variance from entry (%)",
    "mode_exit_band": "Mode exit band",
    "dv_nominals": "DVIOM nominals",
    "dv_washout_nominals": "Washed out from DV",
    "dv_ppit_reduction_pct": "PPIT reduction, exited DV",
    "idva_felt_safer_pct": "IDVA survivors felt safer",
    "mean_reduction": "Mean reduction entry to exit",
    "mean_reduction_rate": "Mean reduction rate (per month)",
    "cohort_reduction_pct": "Cohort reduction, latest vs entry",
    "exit_wilcoxon_n": "Exit vs entry: pairs",
    "exit_wilcoxon_p": "Exit vs entry: Wilcoxon p",
    "exit_effect_r": "Exit vs entry: rank-biserial r",
    "exit_hl_shift": "Exit vs entry: Hodges-Lehmann shift",
    "exit_hl_ci_low": "  95% CI low (bootstrap)",
    "exit_hl_ci_high": "  95% CI high (bootstrap)",
    "exited_mostly_in_custody": "Exited, most of spell in custody",
    "mid_wilcoxon_n": "Mid vs entry: pairs",
    "mid_wilcoxon_p": "Mid vs entry: Wilcoxon p",
    "mid_effect_r": "Mid vs entry: rank-biserial r",
    "mid_hl_shift": "Mid vs entry: Hodges-Lehmann shift",
}
_ORDER = {metric: i for i, metric in enumerate(LABELS)}

SCORECARD_SQL = (
    "select section, metric, breakdown, value, value_label, numerator, denominator, unit, as_of "
    "from scorecard"
)


def _is_whole(number: Any) -> bool:
    return number is not None and float(number).is_integer()


def format_value(row: Mapping[str, Any]) -> str:
    """One figure as printed: every percentage with the counts it comes from."""
    value, unit = row["value"], row["unit"]
    numerator, denominator = row["numerator"], row["denominator"]
    if unit == "band":
        return f"{row['value_label']} ({numerator:.0f} of {denominator:.0f})"
    if value is None:
        return "-"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "pct":
        counts = (
            f" ({numerator:.0f}/{denominator:.0f})"
            if _is_whole(numerator) and _is_whole(denominator)
            else ""
        )
        return f"{value:.1f}%{counts}"
    if unit == "p_value":
        return "<0.0001" if value < 0.0001 else f"{value:.4f}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.1f}"


def _sorted_metrics(metrics: set[str]) -> list[str]:
    return sorted(metrics, key=lambda m: (_ORDER.get(m, len(_ORDER)), m))


def render_scorecard(
    rows: Sequence[Mapping[str, Any]], impact_rows: Sequence[Mapping[str, Any]] = ()
) -> str:
    """Figure A: one block per section; breakdowns other than 'all' as columns. The
    Significance section ends with the impact evaluation's naive and adjusted figures."""
    as_of = rows[0]["as_of"] if rows else None
    lines = [f"IOM at a glance (Figure A), as of {as_of}"]
    label_width = max(len(label) for label in LABELS.values()) + 2
    for section in [*SECTIONS, *sorted({r["section"] for r in rows} - set(SECTIONS))]:
        section_rows = [r for r in rows if r["section"] == section]
        if not section_rows:
            continue
        lines += ["", SECTION_TITLES.get(section, section)]
        overall = {r["metric"]: r for r in section_rows if r["breakdown"] == "all"}
        for metric in _sorted_metrics(set(overall)):
            label = LABELS.get(metric, metric)
            lines.append(f"  {label:<{label_width}}{format_value(overall[metric])}")
        if section == "Significance":
            lines += significance_lines(impact_rows)
        broken_down = [r for r in section_rows if r["breakdown"] != "all"]
        if not broken_down:
            continue
        columns = sorted({r["breakdown"] for r in broken_down})
        cells = {(r["metric"], r["breakdown"]): format_value(r) for r in broken_down}
        width = max(len(c) for c in [*cells.values(), *columns]) + 2
        lines.append(f"  {'':<{label_width}}" + "".join(f"{c:>{width}}" for c in columns))
        for metric in _sorted_metrics({r["metric"] for r in broken_down}):
            label = LABELS.get(metric, metric)
            values = "".join(f"{cells.get((metric, c), '-'):>{width}}" for c in columns)
            lines.append(f"  {label:<{label_width}}{values}")
    return "\n".join(lines)


def print_scorecard(analytics_path: Path) -> int:
    """Print the published scorecard; exit code 2 when nothing is published yet."""
    try:
        result = run_query(analytics_path, SCORECARD_SQL)
    except NotPublishedError as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    print(render_scorecard(rows, read_impact(analytics_path)))
    return 0
