"""Figure A, the published scorecard, laid out once: for `iom scorecard` and the report.

Labels, sections and order come from the scorecard_metrics seed (presentation/metrics.py),
every value from presentation/format.py; `figure_a` arranges them, and `render_scorecard`
(the CLI) and report/figures.py (HTML) only draw what it returns.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster_project.presentation.format import MISSING, scorecard_value
from dagster_project.presentation.metrics import Metric, metric, section_order
from dagster_project.publish.published import NotPublishedError, run_query
from dagster_project.transform.dbt_files import SCORECARD_COLUMNS

SCORECARD_SQL = f"select {', '.join(SCORECARD_COLUMNS)} from scorecard"
OVERALL = "all"

# Which suppression threshold applies to a metric's counts (None: exact figures).
ThresholdFor = Callable[[Metric], int | None]


@dataclass
class FigureASection:
    """One section of Figure A: its 'all' figures, then the breakdowns as columns."""

    section: str
    title: str
    overall: list[tuple[Metric, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    broken_down: list[tuple[Metric, list[str]]] = field(default_factory=list)


def _display_key(m: Metric) -> tuple[int, str]:
    return m.display_order, m.metric


def figure_a(
    rows: Sequence[Mapping[str, Any]], threshold_for: ThresholdFor | None = None
) -> list[FigureASection]:
    """The scorecard's rows as Figure A: sections in seed order, metrics in display order."""
    known = section_order()
    sections = [*known, *sorted({r["section"] for r in rows} - set(known))]
    out = []
    for code in sections:
        section_rows = [r for r in rows if r["section"] == code]
        if not section_rows:
            continue
        metrics = {r["metric"]: metric(r["metric"], code, r["unit"]) for r in section_rows}

        def ordered(codes: set[str], metrics: dict[str, Metric] = metrics) -> list[Metric]:
            return sorted((metrics[c] for c in codes), key=_display_key)

        def shown(row: Mapping[str, Any], m: Metric) -> str:
            return scorecard_value(row, m.counted, threshold_for(m) if threshold_for else None)

        title = next((m.section_title for m in metrics.values() if m.section == code), code)
        part = FigureASection(code, title)
        overall = {r["metric"]: r for r in section_rows if r["breakdown"] == OVERALL}
        part.overall = [(m, shown(overall[m.metric], m)) for m in ordered(set(overall))]
        broken_down = [r for r in section_rows if r["breakdown"] != OVERALL]
        part.columns = sorted({r["breakdown"] for r in broken_down})
        cells = {(r["metric"], r["breakdown"]): r for r in broken_down}
        for m in ordered({r["metric"] for r in broken_down}):
            part.broken_down.append(
                (
                    m,
                    [
                        shown(cells[(m.metric, c)], m) if (m.metric, c) in cells else MISSING
                        for c in part.columns
                    ],
                )
            )
        out.append(part)
    return out


def render_scorecard(rows: Sequence[Mapping[str, Any]]) -> str:
    """Figure A as text: one block per section; breakdowns other than 'all' as columns."""
    as_of = rows[0]["as_of"] if rows else None
    lines = [f"IOM at a glance (Figure A), as of {as_of}"]
    sections = figure_a(rows)
    labels = [m.label for s in sections for m, _ in [*s.overall, *s.broken_down]]
    label_width = max((len(label) for label in labels), default=0) + 2
    for section in sections:
        lines += ["", section.title]
        lines += [f"  {m.label:<{label_width}}{value}" for m, value in section.overall]
        if not section.broken_down:
            continue
        cells = [v for _, values in section.broken_down for v in values]
        width = max(len(c) for c in [*cells, *section.columns]) + 2
        lines.append(f"  {'':<{label_width}}" + "".join(f"{c:>{width}}" for c in section.columns))
        for m, values in section.broken_down:
            lines.append(f"  {m.label:<{label_width}}" + "".join(f"{v:>{width}}" for v in values))
    return "\n".join(lines)


def print_scorecard(analytics_path: Path) -> int:
    """Print the published scorecard; exit code 2 when nothing is published yet."""
    try:
        result = run_query(analytics_path, SCORECARD_SQL)
    except NotPublishedError as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    print(render_scorecard(rows))
    return 0
