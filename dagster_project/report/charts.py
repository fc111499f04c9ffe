"""The report's charts, drawn with matplotlib (Agg) and inlined as SVG: no external files."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # after matplotlib.use: the backend must be chosen first
from matplotlib.axes import Axes

# Text stays text in the SVG (smaller, selectable); a fixed salt keeps the output reproducible.
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "iom-report",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
    }
)

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0")


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _nan(values: Sequence[float | None]) -> list[float]:
    """Suppressed or missing values become gaps in a line."""
    return [math.nan if v is None else float(v) for v in values]


def line_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    ylabel: str,
    title: str,
) -> str:
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    positions = range(len(labels))
    for colour, (name, values) in zip(PALETTE, series.items(), strict=False):
        ax.plot(positions, _nan(values), marker="o", markersize=3, color=colour, label=name)
    step = max(1, len(labels) // 12)
    ax.set_xticks(list(positions)[::step], list(labels)[::step], rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, ncols=len(series), loc="upper left", bbox_to_anchor=(0, -0.3))
    return _svg(fig)


def grouped_bars(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    ylabel: str,
    title: str,
    hidden_mark: str = "*",
) -> str:
    """Side-by-side bars; a None value (suppressed) is drawn as the mark instead of a bar."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0), layout="constrained")
    width = 0.8 / max(1, len(series))
    for index, (colour, (name, values)) in enumerate(zip(PALETTE, series.items(), strict=False)):
        xs = [i + (index - (len(series) - 1) / 2) * width for i in range(len(labels))]
        heights = [0.0 if v is None or math.isnan(v) else float(v) for v in values]
        ax.bar(xs, heights, width=width, color=colour, label=name)
        for x, value in zip(xs, values, strict=True):
            if value is None:
                ax.annotate(hidden_mark, (x, 0), ha="center", va="bottom", color=colour)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    # Above the plot, right of nothing: the title keeps the axes' top left.
    fig.legend(frameon=False, ncols=len(series), loc="outside upper right")
    return _svg(fig)


def cohort_scores_chart(
    cohorts: Sequence[str],
    entry_means: Sequence[float | None],
    mid_means: Sequence[float | None],
    shifts: Sequence[tuple[str, float | None, float | None, float | None]],
) -> str:
    """Left: mean score at entry and mid-spell per cohort. Right: Hodges-Lehmann shifts with
    their 95% CI where the scorecard has one (label, estimate, low, high)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.0), width_ratios=(3, 2))
    for colour, cohort, entry, mid in zip(PALETTE, cohorts, entry_means, mid_means, strict=False):
        left.plot([0, 1], _nan([entry, mid]), marker="o", color=colour, label=cohort)
    left.set_xticks([0, 1], ["entry", "mid-spell"])
    left.set_xlim(-0.3, 1.3)
    left.set_ylim(bottom=0)
    left.set_ylabel("mean RRS")
    left.set_title("Mean score by entry cohort", loc="left")
    left.legend(frameon=False, fontsize=8)
    labels = [s[0] for s in shifts]
    for y, (_label, estimate, low, high) in enumerate(shifts):
        if estimate is None:
            continue
        if low is not None and high is not None:
            right.errorbar(
                estimate,
                y,
                xerr=[[estimate - low], [high - estimate]],
                fmt="o",
                color=PALETTE[0],
                capsize=3,
                label="estimate with its 95% bootstrap CI",
            )
        else:
            right.plot(estimate, y, "o", color=PALETTE[1], label="estimate (no CI computed)")
    right.axvline(0, color="#444", linewidth=0.8)
    right.set_yticks(range(len(labels)), labels)
    right.set_ylim(-0.7, len(labels) - 0.3)
    right.set_xlabel("shift in RRS (later minus entry)")
    right.set_title("Hodges-Lehmann shift", loc="left")
    _legend_below(right, offset=-0.25, fontsize=7)
    fig.tight_layout()
    return _svg(fig)


def impact_chart(
    schemes: Sequence[str],
    observed: Sequence[float | None],
    expected: Sequence[float | None],
    effect: Sequence[float | None],
    effect_ci: Sequence[tuple[float | None, float | None]],
) -> str:
    """Per scheme: the observed (naive) change, the change the comparison expects, and their
    difference (the adjusted effect) with its 95% bootstrap interval, in RRS points."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    series = {
        "observed change (naive)": observed,
        "expected change (comparison)": expected,
        "difference (adjusted effect)": effect,
    }
    width = 0.8 / len(series)
    for index, (colour, (name, values)) in enumerate(zip(PALETTE, series.items(), strict=False)):
        xs = [i + (index - 1) * width for i in range(len(schemes))]
        ax.bar(
            xs, [0.0 if v is None else float(v) for v in values], width, color=colour, label=name
        )
        if index == 2:
            for x, value, (low, high) in zip(xs, values, effect_ci, strict=True):
                if value is not None and low is not None and high is not None:
                    ax.errorbar(
                        x,
                        value,
                        yerr=[[value - low], [high - value]],
                        fmt="none",
                        ecolor="#222",
                        capsize=3,
                        label="95% bootstrap CI of the difference",
                    )
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_xticks(range(len(schemes)), schemes)
    ax.set_ylabel("change in RRS (points)")
    ax.set_title("Observed vs expected change, and the difference (95% CI)", loc="left")
    _legend_below(ax, offset=-0.12, fontsize=8, ncols=2)
    return _svg(fig)


def _legend_below(ax: Axes, offset: float, fontsize: int, ncols: int = 1) -> None:
    """One legend entry per label (a series drawn in parts repeats its label), under the axes."""
    handles, names = ax.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    if unique:
        ax.legend(
            unique.values(),
            unique.keys(),
            frameon=False,
            ncols=ncols,
            fontsize=fontsize,
            loc="upper left",
            bbox_to_anchor=(0, offset),
        )
