"""Figure B, the live cohort by month, laid out as published: months as columns.

Reads only the published marts cohort_monthly and release_forecast; every figure is
computed there, this module only arranges and formats it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dagster_project.publish.published import connect_published

SCHEMES = {"GENERIC": "GENERIC", "DV": "DV", "ALL": "total"}
AREAS = {"CITY": "City", "COUNTY_NORTH": "County North", "COUNTY_SOUTH": "County South"}
COHORT_COLUMNS = (
    "live_cohort",
    "in_custody",
    "in_custody_release_city",
    "in_custody_release_county_north",
    "in_custody_release_county_south",
    "watchlist",
    "live_plus_watchlist",
)

Row = tuple[str, list[int | None]]


@dataclass(frozen=True)
class FigureB:
    month_ends: list[date]
    # the 3-month window under each month, e.g. 'SEP-NOV' (the year is in the title)
    windows: list[str]
    rows: list[Row]


def load_figure_b(analytics_path: Path, months: int) -> FigureB:
    """The last `months` month ends of the published cohort_monthly, with their windows."""
    con = connect_published(analytics_path)
    try:
        con.execute("use marts")
        month_ends = sorted(
            r[0]
            for r in con.execute(
                "select distinct month_end from cohort_monthly order by month_end desc limit ?",
                [months],
            ).fetchall()
        )
        cohort_rows = con.execute(
            f"select month_end, scheme, {', '.join(COHORT_COLUMNS)} from cohort_monthly "
            "where month_end = any(?) and area = 'ALL'",
            [month_ends],
        ).fetchall()
        # the window shown under a month is the one starting on that month's first day
        forecast_rows = con.execute(
            "select last_day(window_start), scheme, release_area, due_releases, "
            "split_part(window_label, ' ', 1) from release_forecast "
            "where last_day(window_start) = any(?)",
            [month_ends],
        ).fetchall()
    finally:
        con.close()
    cohort = {
        (r[0], r[1], column): value
        for r in cohort_rows
        for column, value in zip(COHORT_COLUMNS, r[2:], strict=True)
    }
    due = {(r[0], r[1], r[2]): r[3] for r in forecast_rows}
    labels = {r[0]: r[4] for r in forecast_rows}

    def cohort_row(label: str, scheme: str, column: str) -> Row:
        return label, [cohort.get((m, scheme, column)) for m in month_ends]

    def due_row(label: str, scheme: str, area: str) -> Row:
        return label, [due.get((m, scheme, area)) for m in month_ends]

    rows = [cohort_row(f"live {name}", s, "live_cohort") for s, name in SCHEMES.items()]
    rows += [cohort_row(f"in custody {name}", s, "in_custody") for s, name in SCHEMES.items()]
    rows += [
        cohort_row(f"  ... releasing to {name}", "ALL", f"in_custody_release_{code.lower()}")
        for code, name in AREAS.items()
    ]
    rows += [due_row(f"due in next 3 months, {name}", s, "ALL") for s, name in SCHEMES.items()]
    rows += [due_row(f"  due to {name}", "ALL", code) for code, name in AREAS.items()]
    rows.append(cohort_row("live watchlist", "ALL", "watchlist"))
    rows.append(cohort_row("total on IOM and watchlist", "ALL", "live_plus_watchlist"))
    return FigureB(month_ends, [labels.get(m, "") for m in month_ends], rows)


def format_figure_b(figure: FigureB) -> str:
    """Plain text as in the published appendix, one column per month end."""
    if not figure.month_ends:
        return "No month ends published yet."
    label_width = max(len(label) for label, _ in figure.rows)
    width = max(5, *(len(w) for w in figure.windows)) + 2

    def line(label: str, cells: Sequence[object]) -> str:
        return label.ljust(label_width) + "".join(
            ("" if c is None else str(c)).rjust(width) for c in cells
        )

    first, last = figure.month_ends[0], figure.month_ends[-1]
    out = [
        f"Live cohort by month, {first:%b %Y} - {last:%b %Y} (at each month end)",
        line("", [m.strftime("%b").upper() for m in figure.month_ends]),
    ]
    for label, values in figure.rows:
        if label == f"due in next 3 months, {SCHEMES['GENERIC']}":
            out.append(line("releases due in window", figure.windows))
        out.append(line(label, values))
    return "\n".join(out)
