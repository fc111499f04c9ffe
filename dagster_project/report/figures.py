"""Turns the published marts into the report's sections: tables, charts and sentences.

Each section names the marts it reads; a mart not yet published gives a section that says so
instead of a crash. Every count shown for publication goes through suppression.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dagster_project.report import charts
from dagster_project.report.impact import add_impact
from dagster_project.report.marts import PublishedMarts
from dagster_project.report.suppression import (
    COUNT_THRESHOLD,
    SUPPRESSED,
    VICTIM_THRESHOLD,
    is_small,
    show_count,
    suppress_groups,
    suppress_table,
)

FIGURE_B_MONTHS = 7
FORECAST_WINDOWS_CHARTED = 18
AREAS = {"CITY": "City", "COUNTY_NORTH": "County North", "COUNTY_SOUTH": "County South"}
SCHEMES = ("GENERIC", "DV")
ABUSE_TYPES = {
    "PHYSICAL": "Physical",
    "EMOTIONAL": "Emotional / psychological",
    "FINANCIAL": "Financial",
    "SEXUAL": "Sexual",
    "JEALOUS_CONTROLLING": "Jealous and controlling behaviour",
    "STALKING": "Surveillance / harassment / stalking",
}
OUTCOMES = {
    "NOT_DISCLOSED": "Abuse not disclosed",
    "CESSATION": "Cessation",
    "SIGNIFICANT_REDUCTION": "Significant reduction",
    "SOME_REDUCTION": "Some reduction",
    "DONT_KNOW": "Don't know",
}
# Percentages whose numerator and denominator are counts of people (so they are suppressed
# like counts); the other pct rows of the scorecard are ratios of mean scores.
COUNT_PCTS = {"successful_exit_pct": COUNT_THRESHOLD, "reentered_pct": COUNT_THRESHOLD}


@dataclass
class Figure:
    """A table or chart with the marts it was built from (traceability)."""

    id: str
    title: str
    sources: list[str]
    kind: str  # "table", "chart", "text"
    body: Any = None
    note: str = ""


@dataclass
class Section:
    id: str
    title: str
    sources: list[str]
    missing: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- formatting


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def number(value: Any, digits: int = 1) -> str:
    if _is_missing(value):
        return "—"
    return f"{float(value):,.{digits}f}"


def signed(value: Any, digits: int = 1) -> str:
    return "—" if _is_missing(value) else f"{float(value):+,.{digits}f}"


def count(value: Any, threshold: int = COUNT_THRESHOLD) -> str:
    value = None if _is_missing(value) else value
    return show_count(value, is_small(value, threshold))


def _part(value: Any) -> str:
    """A numerator or denominator: a whole number as a count, otherwise one decimal."""
    if _is_missing(value):
        return "—"
    as_float = float(value)
    return f"{int(as_float):,}" if as_float.is_integer() else f"{as_float:,.1f}"


def pct_text(row: dict | None, threshold: int | None = None) -> str:
    """'44.8% (103 of 230)': a percentage never travels without its numerator and denominator.
    With a threshold the parts are counts of people and small ones are suppressed."""
    if row is None or _is_missing(row.get("value")):
        return "not available"
    numerator, denominator = row.get("numerator"), row.get("denominator")
    if threshold is not None and (
        is_small(numerator, threshold)
        or is_small(None if _is_missing(denominator) else denominator - numerator, threshold)
    ):
        return f"{SUPPRESSED} (small numbers)"
    # "of" for people counted; a ratio of mean scores shows its two means.
    joint = " of " if threshold is not None else " / "
    return f"{float(row['value']):.1f}% ({_part(numerator)}{joint}{_part(denominator)})"


def p_value_text(p: Any) -> str:
    if _is_missing(p):
        return "—"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def band_order(label: str) -> int:
    return int(str(label).split("-")[0])


# ---------------------------------------------------------------- scorecard access


class Scorecard:
    """Rows of the long-format scorecard, looked up by metric and breakdown."""

    def __init__(self, frame: pd.DataFrame):
        self.rows: dict[tuple[str, str], dict] = {}
        for record in frame.to_dict("records"):
            self.rows[(record["metric"], str(record["breakdown"]))] = record

    def row(self, metric: str, breakdown: str = "all") -> dict | None:
        return self.rows.get((metric, breakdown))

    def value(self, metric: str, breakdown: str = "all") -> Any:
        row = self.row(metric, breakdown)
        return None if row is None or _is_missing(row.get("value")) else row["value"]

    def breakdowns(self, metric: str) -> list[str]:
        return sorted(b for m, b in self.rows if m == metric)

    def cohorts(self) -> list[str]:
        return [b for b in self.breakdowns("cohort_size") if b.isdigit()]

    def band(self, metric: str, breakdown: str = "all") -> str:
        row = self.row(metric, breakdown)
        if row is None:
            return "not available"
        label = row.get("value_label") or "—"
        n = row.get("numerator")
        return label if _is_missing(n) else f"{label} ({count(n)} nominals)"

    def mean(self, metric: str, breakdown: str = "all", digits: int = 1) -> str:
        row = self.row(metric, breakdown)
        if row is None:
            return "not available"
        n = row.get("denominator")
        text = number(row.get("value"), digits)
        return text if _is_missing(n) else f"{text} (n = {count(n)})"


def missing_section(section: Section, marts: PublishedMarts) -> bool:
    section.missing = [name for name in section.sources if marts.get(name) is None]
    return bool(section.missing)


# ---------------------------------------------------------------- Figure A


def scorecard_section(marts: PublishedMarts) -> Section:
    section = Section("scorecard", "At a glance (Figure A)", ["scorecard"])
    if missing_section(section, marts):
        return section
    card = Scorecard(marts.get("scorecard"))
    glance = [
        ("Unique nominals", count(card.value("unique_nominals"))),
        ("Currently on IOM (open spell, watchlist included)", count(card.value("on_iom_nominals"))),
        ("Exited", count(card.value("exited_nominals"))),
        ("Successful exits", pct_text(card.row("successful_exit_pct"), COUNT_THRESHOLD)),
        (
            "Re-entered after an exit",
            count(card.value("reentered_nominals"))
            + " — "
            + pct_text(card.row("reentered_pct"), COUNT_THRESHOLD),
        ),
        ("Mean entry score", card.mean("mean_entry_score")),
        ("Mode entry band", card.band("mode_entry_band")),
        ("Mean exit score", card.mean("mean_exit_score")),
        (
            "Variance exit vs entry",
            signed(card.value("exit_variance")) + " — " + pct_text(card.row("exit_variance_pct")),
        ),
        ("Mode exit band", card.band("mode_exit_band")),
        ("DVIOM nominals", count(card.value("dv_nominals"))),
        ("Washed out from DV", count(card.value("dv_washout_nominals"))),
        ("Mean reduction, entry to exit", card.mean("mean_reduction")),
        ("Mean reduction rate (per month on IOM)", card.mean("mean_reduction_rate")),
        (
            "Change in mean score, all spells (latest vs entry)",
            pct_text(card.row("cohort_reduction_pct")),
        ),
    ]
    section.figures.append(
        Figure(
            "figure-a",
            "Scorecard",
            ["scorecard"],
            "table",
            {"header": ["Measure", "Value"], "rows": [list(r) for r in glance]},
        )
    )
    cohorts = card.cohorts()
    cohort_rows = [
        ["Cohort size"] + [count(card.value("cohort_size", c)) for c in cohorts],
        ["Mean mid-spell score"]
        + [number(card.value("cohort_mean_mid_score", c)) for c in cohorts],
        ["Mean entry score"] + [number(card.value("cohort_mean_entry_score", c)) for c in cohorts],
        ["Variance mid vs entry"] + [signed(card.value("cohort_mid_variance", c)) for c in cohorts],
        ["Variance mid vs entry (%)"]
        + [pct_text(card.row("cohort_mid_variance_pct", c)) for c in cohorts],
        ["Mode mid-spell band"] + [card.band("cohort_mode_mid_band", c) for c in cohorts],
    ]
    section.figures.append(
        Figure(
            "figure-a-cohorts",
            "By entry cohort",
            ["scorecard"],
            "table",
            {"header": ["Entry cohort", *cohorts], "rows": cohort_rows},
        )
    )
    return section


# ---------------------------------------------------------------- significance


def _effect_word(r: Any) -> str:
    if _is_missing(r):
        return "unknown"
    size = abs(r)
    return "large" if size >= 0.5 else "medium" if size >= 0.3 else "small"


def significance_section(marts: PublishedMarts) -> Section:
    section = Section("significance", "Is the fall in scores real?", ["scorecard"])
    if missing_section(section, marts):
        return section
    card = Scorecard(marts.get("scorecard"))
    n, p = card.value("exit_wilcoxon_n"), card.value("exit_wilcoxon_p")
    shift, r = card.value("exit_hl_shift"), card.value("exit_effect_r")
    low, high = card.value("exit_hl_ci_low"), card.value("exit_hl_ci_high")
    if n is None:
        section.paragraphs.append("The scorecard has no paired test yet (exit_wilcoxon_* rows).")
    else:
        chance = (
            "a change this large would be very unlikely if scores were as likely to rise as to fall"
            if p is not None and p < 0.05
            else "a change like this could well happen by chance alone"
        )
        section.paragraphs.append(
            f"Comparing each of the {count(n)} exited spells' score at exit with the same "
            f"nominal's score at entry, the typical change was {signed(shift)} points "
            f"(Hodges-Lehmann estimate; 95% confidence interval {signed(low)} to "
            f"{signed(high)}). A Wilcoxon signed-rank test gives {p_value_text(p)} "
            f"(two-sided): {chance}. The effect size is r = {number(r, 2)} ({_effect_word(r)})."
        )
    section.paragraphs += [
        "This shows that scores fell; it does not show that IOM caused the fall:",
        "<b>Regression to the mean.</b> Nominals are selected because their score is high at "
        "that moment; high scores tend to come down on their own, with or without management.",
        "<b>Time in custody.</b> Arrests cannot happen in custody, so a nominal locked up for "
        "much of the year scores lower without any change in behaviour.",
        "<b>Matrix changes.</b> The offence matrix changed in April 2018 (weapon uplift); a "
        "score can move because the weights moved. The nominal_scores mart keeps like-for-like "
        "scores under the newest matrix for trend work.",
    ]
    rows = []
    for cohort in card.cohorts():
        rows.append(
            [
                cohort,
                count(card.value("mid_wilcoxon_n", cohort)),
                signed(card.value("mid_hl_shift", cohort)),
                number(card.value("mid_effect_r", cohort), 2),
                p_value_text(card.value("mid_wilcoxon_p", cohort)),
            ]
        )
    section.figures.append(
        Figure(
            "significance-mid",
            "Mid-spell vs entry, by entry cohort (paired)",
            ["scorecard"],
            "table",
            {"header": ["Cohort", "Pairs", "HL shift", "Effect r", "Wilcoxon"], "rows": rows},
        )
    )
    shifts = [("exited, all", shift, low, high)] + [
        (
            f"mid, {c}",
            card.value("mid_hl_shift", c),
            card.value("mid_hl_ci_low", c),
            card.value("mid_hl_ci_high", c),
        )
        for c in card.cohorts()
    ]
    section.figures.append(
        Figure(
            "chart-cohort-scores",
            "Mean score by entry cohort, and the shift with its CI",
            ["scorecard"],
            "chart",
            charts.cohort_scores_chart(
                card.cohorts(),
                [card.value("cohort_mean_entry_score", c) for c in card.cohorts()],
                [card.value("cohort_mean_mid_score", c) for c in card.cohorts()],
                shifts,
            ),
        )
    )
    add_impact(section, marts)
    return section


# ---------------------------------------------------------------- score distributions


def distribution_section(marts: PublishedMarts) -> Section:
    section = Section("distributions", "Entry and exit scores", ["nominal_scores"])
    if missing_section(section, marts):
        return section
    spells = marts.get("nominal_scores")
    entry = spells["entry_band"].dropna().value_counts()
    exits = spells.loc[spells["exit_band"].notna(), "exit_band"].value_counts()
    bands = sorted(set(entry.index) | set(exits.index), key=band_order)
    # Bands of 1000 and over are few and far between: one bar keeps the chart readable.
    capped = [b if band_order(b) < 1000 else "1000+" for b in bands]
    labels = list(dict.fromkeys(capped))

    def per_label(counts: pd.Series) -> list[int]:
        totals = dict.fromkeys(labels, 0)
        for band, label in zip(bands, capped, strict=True):
            totals[label] += int(counts.get(band, 0))
        return list(totals.values())

    series = {}
    table_rows = [[label] for label in labels]
    for name, counts in (("entry (all spells)", entry), ("exit (exited spells)", exits)):
        values = per_label(counts)
        total = sum(values)
        hidden = suppress_groups([*values, total], [range(len(values) + 1)], COUNT_THRESHOLD)
        series[name] = [None if h else v for v, h in zip(values, hidden, strict=False)]
        for row, value, h in zip(table_rows, values, hidden, strict=False):
            row.append(show_count(value, h))
        section.paragraphs.append(f"{name}: {show_count(total, hidden[-1])} spells")
    section.figures.append(
        Figure(
            "chart-score-distribution",
            "Spells by RRS band at entry and at exit",
            ["nominal_scores"],
            "chart",
            charts.grouped_bars(labels, series, "spells", "Spells per score band"),
        )
    )
    section.figures.append(
        Figure(
            "table-score-distribution",
            "Spells by RRS band",
            ["nominal_scores"],
            "table",
            {"header": ["Band", *series.keys()], "rows": table_rows},
        )
    )
    return section


# ---------------------------------------------------------------- Figure B


def _month_label(value: Any) -> str:
    return pd.Timestamp(value).strftime("%b %Y").upper()


def cohort_section(marts: PublishedMarts) -> Section:
    section = Section(
        "cohort", "Live cohort by month (Figure B)", ["cohort_monthly", "release_forecast"]
    )
    cohort = marts.get("cohort_monthly")
    forecast = marts.get("release_forecast")
    missing_section(section, marts)
    if cohort is None:
        return section
    if "area" in cohort.columns:
        # Figure B is the roll-up over areas (versions published before the area split lack it)
        cohort = cohort[cohort["area"] == "ALL"]
    months = sorted(pd.to_datetime(cohort["month_end"]).unique())[-FIGURE_B_MONTHS:]
    by_scheme = {(pd.Timestamp(r["month_end"]), r["scheme"]): r for r in cohort.to_dict("records")}

    def cohort_value(month: pd.Timestamp, scheme: str, column: str) -> Any:
        record = by_scheme.get((month, scheme))
        return None if record is None else record[column]

    def due(month: pd.Timestamp, scheme: str, area: str) -> Any:
        if forecast is None:
            return None
        start = month.to_period("M").start_time
        match = forecast[
            (pd.to_datetime(forecast["window_start"]) == start)
            & (forecast["scheme"] == scheme)
            & (forecast["release_area"] == area)
        ]
        return None if match.empty else match["due_releases"].iloc[0]

    rows: list[tuple[str, Any]] = []  # (label, per-month getter)
    rows += [(f"live {s}", lambda m, s=s: cohort_value(m, s, "live_cohort")) for s in SCHEMES]
    rows += [("live total", lambda m: cohort_value(m, "ALL", "live_cohort"))]
    rows += [(f"in custody {s}", lambda m, s=s: cohort_value(m, s, "in_custody")) for s in SCHEMES]
    rows += [("in custody total", lambda m: cohort_value(m, "ALL", "in_custody"))]
    rows += [
        (
            f"… releasing to {name}",
            lambda m, a=a: cohort_value(m, "ALL", f"in_custody_release_{a.lower()}"),
        )
        for a, name in AREAS.items()
    ]
    rows += [(f"due in next 3 months, {s}", lambda m, s=s: due(m, s, "ALL")) for s in SCHEMES]
    rows += [("due, total", lambda m: due(m, "ALL", "ALL"))]
    rows += [(f"due, to {name}", lambda m, a=a: due(m, "ALL", a)) for a, name in AREAS.items()]
    rows += [
        ("live watchlist", lambda m: cohort_value(m, "ALL", "watchlist")),
        ("total on IOM and watchlist", lambda m: cohort_value(m, "ALL", "live_plus_watchlist")),
    ]
    # Cells that add up to a shown total (row indexes into `rows`): part rows then the total.
    groups = [(0, 1, 2), (3, 4, 5), (6, 7, 8, 5), (9, 10, 11), (12, 13, 14, 11)]
    columns = []
    for month in months:
        values = [getter(month) for _, getter in rows]
        values = [None if _is_missing(v) else v for v in values]
        hidden = suppress_groups(values, groups, COUNT_THRESHOLD)
        columns.append([show_count(v, h) for v, h in zip(values, hidden, strict=True)])
    table_rows = [[label] + [col[i] for col in columns] for i, (label, _) in enumerate(rows)]
    section.figures.append(
        Figure(
            "figure-b",
            "Live cohort, custody, releases due and watchlist by month",
            ["cohort_monthly", "release_forecast"],
            "table",
            {"header": ["", *[_month_label(m) for m in months]], "rows": table_rows},
            note="Due: releases expected in the 3-month window starting that month "
            "(e.g. SEP-NOV); sudden parole releases cannot be forecast and are not in it.",
        )
    )
    section.figures.append(cohort_chart(cohort))
    if forecast is not None:
        section.figures.append(forecast_chart(forecast))
    accuracy = marts.get("release_forecast_accuracy")
    if accuracy is not None:
        section.figures.append(accuracy_table(accuracy))
    else:
        section.paragraphs.append(
            "The mart <code>release_forecast_accuracy</code> is not in the published copy yet."
        )
    return section


def cohort_chart(cohort: pd.DataFrame) -> Figure:
    rows = cohort[cohort["scheme"] == "ALL"].sort_values("month_end")
    series = {}
    for column, name in (
        ("live_cohort", "live cohort"),
        ("in_custody", "in custody (live)"),
        ("watchlist", "watchlist"),
    ):
        series[name] = [None if is_small(v, COUNT_THRESHOLD) else v for v in rows[column]]
    return Figure(
        "chart-cohort-monthly",
        "Live cohort and custody by month",
        ["cohort_monthly"],
        "chart",
        charts.line_chart(
            [_month_label(m) for m in rows["month_end"]],
            series,
            "nominals",
            "Nominals at each month end (all schemes)",
        ),
    )


def forecast_chart(forecast: pd.DataFrame) -> Figure:
    rows = forecast[(forecast["scheme"] == "ALL") & (forecast["release_area"] == "ALL")]
    rows = rows.sort_values("window_start").tail(FORECAST_WINDOWS_CHARTED)
    series: dict[str, list] = {"due": [], "actual": []}
    for record in rows.to_dict("records"):
        for name, column in (("due", "due_releases"), ("actual", "actual_releases")):
            value = record[column]
            # A window not over yet has no actual count: no bar, and no suppression mark.
            series[name].append(
                math.nan
                if _is_missing(value)
                else None
                if is_small(value, COUNT_THRESHOLD)
                else value
            )
    return Figure(
        "chart-release-forecast",
        "Releases due vs actual per 3-month window",
        ["release_forecast"],
        "chart",
        charts.grouped_bars(
            list(rows["window_label"]),
            series,
            "nominals released",
            "Due vs actual releases (all schemes and areas)",
        ),
        note="Windows still open at the as-of date have no actual count yet.",
    )


def accuracy_table(accuracy: pd.DataFrame) -> Figure:
    """The forecast's backtest: the last closed windows and the overall row (label 'ALL')."""
    for column in ("scheme", "release_area"):
        if column in accuracy.columns:
            accuracy = accuracy[accuracy[column] == "ALL"]
    overall = accuracy[accuracy["window_label"] == "ALL"]
    windows = accuracy[accuracy["window_label"] != "ALL"].sort_values("window_start")
    rows = []
    for record in [*windows.tail(FIGURE_B_MONTHS).to_dict("records"), *overall.to_dict("records")]:
        early, actual = record.get("early_releases"), record.get("actual_releases")
        rows.append(
            [
                "all windows" if record["window_label"] == "ALL" else record["window_label"],
                count(record.get("due_releases")),
                count(actual),
                _part(record.get("absolute_error")),
                number(record.get("mean_absolute_error")),
                pct_text(
                    {
                        "value": record.get("early_release_pct"),
                        "numerator": early,
                        "denominator": actual,
                    },
                    COUNT_THRESHOLD,
                ),
            ]
        )
    return Figure(
        "table-forecast-accuracy",
        "Release forecast backtest: due vs actual in closed windows",
        ["release_forecast_accuracy"],
        "table",
        {
            "header": [
                "Window",
                "Due",
                "Actual",
                "Absolute error",
                "Mean abs. error",
                "Released early",
            ],
            "rows": rows,
        },
        note="Released early: before the earliest release date (parole, HDC), which the "
        "forecast cannot know.",
    )


# ---------------------------------------------------------------- DVIOM


def dv_section(marts: PublishedMarts) -> Section:
    publishable = marts.get("dv_outcomes_publishable")
    idva_source = "dv_outcomes_publishable" if publishable is not None else "dv_outcomes"
    section = Section("dviom", "Domestic Violence IOM (DVIOM)", ["scorecard", idva_source])
    missing_section(section, marts)
    if marts.get("scorecard") is not None:
        card = Scorecard(marts.get("scorecard"))
        ppit = card.row("dv_ppit_reduction_pct")
        section.paragraphs.append(
            f"DVIOM nominals: {count(card.value('dv_nominals'))}; washed out from DV: "
            f"{count(card.value('dv_washout_nominals'))}."
        )
        section.paragraphs.append(
            "Change in PPIT risk score of removed DV nominals (mean exit vs mean baseline "
            f"assessment): {pct_text(ppit)}."
        )
        section.paragraphs.append(
            "Survivors who felt safer at closure (of those asked): "
            f"{pct_text(card.row('idva_felt_safer_pct'), VICTIM_THRESHOLD)}."
        )
    outcomes = publishable if publishable is not None else marts.get("dv_outcomes")
    if outcomes is not None:
        section.figures.append(idva_table(outcomes, idva_source, publishable is not None))
    return section


def idva_table(outcomes: pd.DataFrame, source: str, already_suppressed: bool) -> Figure:
    cells = {(r["abuse_type"], r["outcome"]): r for r in outcomes.to_dict("records")}
    types = [t for t in ABUSE_TYPES if any(k[0] == t for k in cells)]
    matrix = [[cells.get((t, o), {}).get("cases") for o in OUTCOMES] for t in types]
    matrix = [[None if _is_missing(v) else v for v in row] for row in matrix]
    totals = [
        next((cells[(t, o)].get("total_cases") for o in OUTCOMES if (t, o) in cells), None)
        for t in types
    ]
    if already_suppressed:
        # The SQL mart applied the rule and flags each withheld cell.
        hidden = [
            [
                bool(cells.get((t, o), {}).get("is_suppressed", v is None))
                for o, v in zip(OUTCOMES, row, strict=True)
            ]
            for t, row in zip(types, matrix, strict=True)
        ]
    else:
        # Only row totals (cases per abuse type) are published, so only rows must not give away.
        hidden = suppress_table(matrix, VICTIM_THRESHOLD, column_totals=False)
    rows = []
    for t, values, flags, total in zip(types, matrix, hidden, totals, strict=True):
        row = [ABUSE_TYPES[t]]
        for o, value, flag in zip(OUTCOMES, values, flags, strict=True):
            pct = cells.get((t, o), {}).get("pct")
            shown = count(value, 0) if _is_missing(pct) else f"{count(value, 0)} ({number(pct)}%)"
            row.append(SUPPRESSED if flag else shown)
        # An empty total is one the SQL mart withheld (1 to 9 cases).
        total = None if _is_missing(total) else total
        row.append(
            SUPPRESSED if total is None else show_count(total, is_small(total, VICTIM_THRESHOLD))
        )
        cessation = next(
            (
                cells[(t, o)].get("cessation_or_significant_pct")
                for o in OUTCOMES
                if (t, o) in cells
            ),
            None,
        )
        masked = any(flags[list(OUTCOMES).index(o)] for o in ("CESSATION", "SIGNIFICANT_REDUCTION"))
        row.append(
            SUPPRESSED if masked else "—" if _is_missing(cessation) else f"{number(cessation)}%"
        )
        rows.append(row)
    return Figure(
        "table-idva-outcomes",
        "IDVA exit outcomes: closed cases per abuse type and outcome",
        [source],
        "table",
        {
            "header": ["Abuse type", *OUTCOMES.values(), "Cases", "Cessation or significant"],
            "rows": rows,
        },
        note="Cell: cases (% of that abuse type's closed cases with an outcome).",
    )


def build_sections(marts: PublishedMarts) -> list[Section]:
    return [
        scorecard_section(marts),
        significance_section(marts),
        distribution_section(marts),
        cohort_section(marts),
        dv_section(marts),
    ]
