"""Figure B, the live cohort by month, laid out once: months as columns, for `iom live-cohort`
and the report's cohort section.

Reads only the published marts cohort_monthly and release_forecast; every figure is
computed there, this module only arranges it. The rows and their labels come from the seed
figure_b_measures (the mart figure_b reads the same seed), area names from the areas seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from dagster_project.ingest.contract import SCHEMES
from dagster_project.presentation.format import window
from dagster_project.publish.published import open_published
from dagster_project.transform.dbt_files import COHORT_COLUMNS, area_names, model_columns, seed_rows

# The roll-up over areas: Figure B is the whole force.
ALL_AREAS = "ALL"
RELEASES_DUE_HEADING = "releases due in window"
# The rows of Figure B, their labels and where each comes from: the dbt seed
# figure_b_measures, which the mart figure_b reads too.
SEED = "figure_b_measures"
FORECAST_MART = "release_forecast"
INDENT = "  "
# How many months Figure B prints (the report, the mart figure_b): the month_<k> columns of
# the mart's contract.
PRINTED_MONTHS = sum(1 for c in model_columns("figure_b") if re.fullmatch(r"month_\d+", c))

Row = tuple[str, list[int | None]]


@dataclass(frozen=True)
class Measure:
    """One row of Figure B: a count of cohort_monthly or releases due of release_forecast."""

    display_order: int
    label: str
    mart: str
    column: str
    scheme: str
    area: str
    # the area a row is split by (its releases or its releases due), empty for force-wide rows
    named_area: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.mart, self.column, self.scheme, self.area


@cache
def measures() -> tuple[Measure, ...]:
    """Figure B's rows in display order, labels as printed ('{area}' is the area's name)."""
    names = area_names()
    rows = sorted(seed_rows(SEED), key=lambda r: int(r["display_order"]))
    return tuple(
        Measure(
            display_order=int(r["display_order"]),
            label=INDENT * int(r["indent"])
            + r["label"].replace("{area}", names.get(r["named_area"], r["named_area"])),
            mart=r["mart"],
            column=r["measure_column"],
            scheme=r["scheme"],
            area=r["area"],
            named_area=r["named_area"] or "",
        )
        for r in rows
    )


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
        return next(i for i, m in enumerate(measures()) if m.mart == FORECAST_MART)

    def area_rows(self) -> list[int]:
        """Indexes of the rows split by release area (the rest are the force-wide rows)."""
        return [i for i, m in enumerate(measures()) if m.named_area]

    def sum_groups(self) -> list[tuple[int, ...]]:
        """Row indexes whose cells add up to a shown total: the parts, then the total (for
        secondary suppression)."""
        index = {m.key: i for i, m in enumerate(measures())}
        cohort, due = "cohort_monthly", "due_releases"
        areas = list(area_names())

        def rows(*keys: tuple[str, str, str, str]) -> tuple[int, ...]:
            return tuple(index[k] for k in keys)

        return [
            rows(*((cohort, "live_cohort", s, ALL_AREAS) for s in (*SCHEMES, ALL_AREAS))),
            rows(*((cohort, "in_custody", s, ALL_AREAS) for s in (*SCHEMES, ALL_AREAS))),
            rows(
                *((cohort, f"in_custody_release_{a.lower()}", ALL_AREAS, ALL_AREAS) for a in areas),
                (cohort, "in_custody", ALL_AREAS, ALL_AREAS),
            ),
            rows(*((FORECAST_MART, due, s, ALL_AREAS) for s in (*SCHEMES, ALL_AREAS))),
            rows(
                *((FORECAST_MART, due, ALL_AREAS, a) for a in areas),
                (FORECAST_MART, due, ALL_AREAS, ALL_AREAS),
            ),
        ]


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

    def cells(m: Measure) -> list[int | None]:
        if m.mart == FORECAST_MART:
            return [due.get((month, m.scheme, m.area)) for month in month_ends]
        return [values.get((month, m.scheme, m.column)) for month in month_ends]

    rows = [(m.label, cells(m)) for m in measures()]
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
