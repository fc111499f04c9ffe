"""Figure B, the live cohort by month, laid out once: months as columns, for `iom live-cohort`
and the report's cohort section.

Reads only the published marts cohort_monthly and release_forecast; every figure is
computed there, this module only arranges it. Area names come from the areas seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dagster_project.presentation.format import window
from dagster_project.publish.published import open_published
from dagster_project.transform.dbt_files import COHORT_COLUMNS, area_names

SCHEMES = {"GENERIC": "GENERIC", "DV": "DV", "ALL": "total"}
# The roll-up over areas: Figure B is the whole force.
ALL_AREAS = "ALL"
FORECAST_MONTHS = 3
RELEASES_DUE_HEADING = "releases due in window"

Row = tuple[str, list[int | None]]


@dataclass(frozen=True)
class FigureB:
    month_ends: list[date]
    # the 3-month window under each month, e.g. 'SEP-NOV' (the year is in the title)
    windows: list[str]
    rows: list[Row]
    # the same windows with each end's year, e.g. 'Sep 2018 - Nov 2018'
    window_ranges: list[str] | None = None

    def due_row(self) -> int:
        """Index of the first row of releases due (the windows' heading goes above it)."""
        return next(
            i for i, (label, _) in enumerate(self.rows) if label == _due(SCHEMES["GENERIC"])
        )

    def area_rows(self) -> list[int]:
        """Indexes of the rows split by release area (the rest are the force-wide rows)."""
        labels = {_releasing(n) for n in area_names().values()}
        labels |= {_due_to(n) for n in area_names().values()}
        return [i for i, (label, _) in enumerate(self.rows) if label in labels]

    def sum_groups(self) -> list[tuple[int, ...]]:
        """Row indexes whose cells add up to a shown total: the parts, then the total (for
        secondary suppression)."""
        index = {label: i for i, (label, _) in enumerate(self.rows)}
        schemes = [f"{kind} {SCHEMES[s]}" for kind in ("live", "in custody") for s in SCHEMES]
        groups = [
            tuple(index[label] for label in schemes[:3]),
            tuple(index[x] for x in schemes[3:]),
        ]
        releasing = tuple(index[_releasing(n)] for n in area_names().values())
        groups.append((*releasing, index[schemes[5]]))
        due = tuple(index[_due(SCHEMES[s])] for s in SCHEMES)
        groups.append(due)
        groups.append((*(index[_due_to(n)] for n in area_names().values()), due[-1]))
        return groups


def _releasing(area: str) -> str:
    return f"  ... releasing to {area}"


def _due(scheme: str) -> str:
    return f"due in next {FORECAST_MONTHS} months, {scheme}"


def _due_to(area: str) -> str:
    return f"  due to {area}"


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _rollup(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The all-areas rows: cohort_monthly split by area keeps its roll-up as area 'ALL'."""
    return [r for r in rows if r.get("area", ALL_AREAS) == ALL_AREAS]


def figure_b(
    cohort: Sequence[Mapping[str, Any]],
    forecast: Sequence[Mapping[str, Any]] | None,
    months: int,
) -> FigureB:
    """The last `months` month ends of cohort_monthly, with the releases due in the window
    starting on each month's first day (release_forecast)."""
    cohort = _rollup(cohort)
    month_ends = sorted({_as_date(r["month_end"]) for r in cohort})[-months:] if months else []
    values = {
        (_as_date(r["month_end"]), r["scheme"], column): r[column]
        for r in cohort
        for column in COHORT_COLUMNS
    }
    starts = {m.replace(day=1): m for m in month_ends}
    due: dict[tuple[date, str, str], Any] = {}
    short: dict[date, str] = {}
    ranges: dict[date, str] = {}
    for r in forecast or []:
        month = starts.get(_as_date(r["window_start"]))
        if month is None:
            continue
        due[(month, r["scheme"], r["release_area"])] = r["due_releases"]
        short[month] = str(r["window_label"]).split(" ")[0]
        ranges[month] = window(_as_date(r["window_start"]), _as_date(r["window_end"]))

    def cohort_row(label: str, scheme: str, column: str) -> Row:
        return label, [values.get((m, scheme, column)) for m in month_ends]

    def due_row(label: str, scheme: str, area: str) -> Row:
        return label, [due.get((m, scheme, area)) for m in month_ends]

    areas = area_names()
    rows = [cohort_row(f"live {name}", s, "live_cohort") for s, name in SCHEMES.items()]
    rows += [cohort_row(f"in custody {name}", s, "in_custody") for s, name in SCHEMES.items()]
    rows += [
        cohort_row(_releasing(name), "ALL", f"in_custody_release_{code.lower()}")
        for code, name in areas.items()
    ]
    rows += [due_row(_due(name), s, "ALL") for s, name in SCHEMES.items()]
    rows += [due_row(_due_to(name), "ALL", code) for code, name in areas.items()]
    rows.append(cohort_row("live watchlist", "ALL", "watchlist"))
    rows.append(cohort_row("total on IOM and watchlist", "ALL", "live_plus_watchlist"))
    return FigureB(
        month_ends,
        [short.get(m, "") for m in month_ends],
        rows,
        [ranges.get(m, "") for m in month_ends],
    )


def _dicts(con: Any, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_figure_b(data_dir: Path, months: int, as_of: date | None = None) -> FigureB:
    """The last `months` month ends of the published cohort_monthly, with their windows."""
    detail = f"iom live-cohort --months {months}"
    with open_published(data_dir, "live-cohort", detail, as_of=as_of) as read:
        con = read.con
        month_ends = [
            r[0]
            for r in con.execute(
                "select distinct month_end from cohort_monthly order by month_end desc limit ?",
                [months],
            ).fetchall()
        ]
        cohort = _dicts(con, "select * from cohort_monthly where month_end = any(?)", [month_ends])
        forecast = _dicts(
            con,
            "select * from release_forecast where window_start = any(?)",
            [[m.replace(day=1) for m in month_ends]],
        )
        read.rows_returned = len(cohort) + len(forecast)
    return figure_b(cohort, forecast, months)


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
    for i, (label, values) in enumerate(figure.rows):
        if i == figure.due_row():
            out.append(line(RELEASES_DUE_HEADING, figure.windows))
        out.append(line(label, values))
    return "\n".join(out)
