"""Turns the published marts into the report's sections: tables, charts and sentences.

Each section names the marts it reads; a mart not yet published gives a section that says so
instead of a crash. Every count shown for publication goes through suppression.py. Figure A
and Figure B are laid out by presentation/ (the same layout as `iom scorecard` and
`iom live-cohort`), every figure is written by presentation/format.py.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dagster_project.presentation.figure_b import PRINTED_MONTHS as FIGURE_B_MONTHS
from dagster_project.presentation.figure_b import RELEASES_DUE_HEADING, figure_b
from dagster_project.presentation.format import (
    count,
    is_missing,
    month,
    number,
    p_value,
    part,
    percentage,
    scorecard_value,
    signed,
    window,
)
from dagster_project.presentation.idva import ABUSE_TYPES, OUTCOMES
from dagster_project.presentation.metrics import Metric, metric
from dagster_project.presentation.scorecard import FigureASection, figure_a
from dagster_project.report import charts
from dagster_project.report.impact import add_impact
from dagster_project.report.marts import PublishedMarts
from dagster_project.report.suppression import (
    RELEASE_AREA,
    SCORE_BAND,
    SUPPRESSED,
    SURVIVORS,
    is_small,
    show_count,
    suppress_groups,
    suppress_table,
    threshold_for,
)
from dagster_project.report.trends import (
    SMALLEST_BASE,
    Change,
    change_text,
    commentary,
    figure_a_changes,
    mean_score_by_month,
    series_changes,
)
from dagster_project.transform.dbt_files import dbt_var

# The policy's thresholds (report/suppression.py, docs/disclosure.md); nothing else here
# decides what is protected.
VICTIM_THRESHOLD: int = threshold_for(SURVIVORS) or 0
AREA_THRESHOLD: int = threshold_for(RELEASE_AREA) or 0
BAND_THRESHOLD: int = threshold_for(SCORE_BAND) or 0
FORECAST_WINDOWS_CHARTED = 18
SIGNIFICANCE = "Significance"
RRS_EXPLAINED = (
    "Scores are the <b>Reoffending Risk Score (RRS)</b>: the weighted convictions of the last "
    "five years times the weighted arrests of the last twelve months (weights from the "
    "offence matrix), so a nominal with no recent arrest scores 0. Bands are 100 points wide."
)


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
    # Short sentences shown as a list after the paragraphs (the generated commentary).
    bullets: list[str] = field(default_factory=list)


def _suppressing(m: Metric) -> int | None:
    return threshold_for(m.counted)


def band_order(label: str) -> int:
    return int(str(label).split("-")[0])


# ---------------------------------------------------------------- scorecard access


class Scorecard:
    """Rows of the long-format scorecard, looked up by metric and breakdown."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.rows: dict[tuple[str, str], dict] = {}
        for record in frame.to_dict("records"):
            self.rows[(record["metric"], str(record["breakdown"]))] = record

    def row(self, code: str, breakdown: str = "all") -> dict | None:
        return self.rows.get((code, breakdown))

    def value(self, code: str, breakdown: str = "all") -> Any:
        row = self.row(code, breakdown)
        return None if row is None or is_missing(row.get("value")) else row["value"]

    def breakdowns(self, code: str) -> list[str]:
        return sorted(b for m, b in self.rows if m == code)

    def cohorts(self) -> list[str]:
        return [b for b in self.breakdowns("cohort_size") if b.isdigit()]

    def shown(self, code: str, breakdown: str = "all") -> str:
        """A figure as Figure A shows it (suppressed for publication)."""
        row = self.row(code, breakdown)
        if row is None:
            return "not available"
        m = metric(code, row["section"], row["unit"])
        return scorecard_value(row, m.counted, _suppressing(m))

    def figure_a(self) -> list[FigureASection]:
        return figure_a(self.frame.to_dict("records"), _suppressing)


def missing_section(section: Section, marts: PublishedMarts) -> bool:
    section.missing = [name for name in section.sources if marts.get(name) is None]
    return bool(section.missing)


def _figure_a_tables(
    block: FigureASection,
    figure_id: str,
    changes: dict[str, Change] | None = None,
    since: str = "",
) -> list[Figure]:
    """One table of a Figure A section's 'all' figures (with the change since the previous
    published version when there is one), one of its breakdowns."""
    tables = []
    if block.overall:
        header = ["Measure", "Value"]
        rows = [[m.label, v] for m, v in block.overall]
        if changes is not None:
            header.append(f"Change since {since}")
            for row, (m, _) in zip(rows, block.overall, strict=True):
                change = changes.get(m.metric)
                row.append(change_text(change.delta, change.unit) if change else "")
        tables.append(
            Figure(figure_id, block.title, ["scorecard"], "table", {"header": header, "rows": rows})
        )
    if block.broken_down:
        tables.append(
            Figure(
                f"{figure_id}-by-cohort",
                f"{block.title}: by entry cohort" if block.section != "Mid" else block.title,
                ["scorecard"],
                "table",
                {
                    "header": ["Measure", *block.columns],
                    "rows": [[m.label, *values] for m, values in block.broken_down],
                },
            )
        )
    return tables


# ---------------------------------------------------------------- Figure A


def scorecard_section(marts: PublishedMarts) -> Section:
    section = Section("scorecard", "At a glance (Figure A)", ["scorecard"])
    if missing_section(section, marts):
        return section
    card = Scorecard(marts.get("scorecard"))
    section.paragraphs.append(RRS_EXPLAINED)
    section.paragraphs.append(
        "Counts of <b>nominals</b> count people; counts of <b>spells</b> count periods on IOM "
        "(a nominal who re-entered, or moved between schemes, has more than one spell). "
        "<b>Exit variance</b> compares the mean exit score of exited spells with the mean "
        "entry score of <i>all</i> spells, as the published Figure A does; <b>mean "
        "reduction</b> compares each exited spell with its own entry score. They differ "
        "because the spells that have exited did not enter with the average score."
    )
    changes, since = scorecard_changes(card, marts)
    if changes is None:
        section.paragraphs.append(
            "No version was published for an earlier as-of date, so Figure A shows no change "
            "since last month yet; Figure B and the month-on-month section compare month ends."
        )
    for block in card.figure_a():
        if block.section != SIGNIFICANCE:
            section.figures += _figure_a_tables(
                block, f"figure-a-{block.section.lower()}", changes, since
            )
    caveat = incomplete_cohort_caveat(card)
    if caveat:
        for figure in section.figures:
            if figure.id.endswith("-by-cohort"):
                figure.note = caveat
    return section


def scorecard_changes(
    card: Scorecard, marts: PublishedMarts
) -> tuple[dict[str, Change] | None, str]:
    """Figure A's changes since the previous published version (None when there is none),
    and that version's as-of date as the column says it."""
    if marts.previous_scorecard is None or marts.previous_as_of is None or marts.as_of is None:
        return None, ""
    hidden = {code: SUPPRESSED in card.shown(code) for code, _ in card.rows}
    changes = figure_a_changes(
        card.frame, marts.previous_scorecard, (marts.previous_as_of, marts.as_of), hidden
    )
    return changes, f"{marts.previous_as_of:%-d %b %Y}"


def incomplete_cohort_caveat(card: Scorecard) -> str:
    """A cohort of the as-of year is still entering and its spells are only months in."""
    as_of = next(iter(card.frame["as_of"]), None) if len(card.frame) else None
    if is_missing(as_of):
        return ""
    as_of = pd.Timestamp(as_of)
    if str(as_of.year) not in card.cohorts():
        return ""
    return (
        f"The {as_of.year} cohort is incomplete: it holds the spells that entered up to the "
        f"as-of date ({as_of:%d %b %Y}), each at most {as_of.month} month"
        f"{'s' if as_of.month > 1 else ''} in, so its mid-spell scores are early ones."
    )


# ---------------------------------------------------------------- significance


def _effect_word(r: Any) -> str:
    if is_missing(r):
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
            f"Comparing each of the {card.shown('exit_wilcoxon_n')} exited spells' RRS at exit "
            f"with the same nominal's RRS at entry, the typical change was {signed(shift)} "
            f"points (Hodges-Lehmann estimate; 95% bootstrap confidence interval "
            f"{signed(low)} to {signed(high)}). A Wilcoxon signed-rank test gives "
            f"{html.escape(p_value(p))} (two-sided): {chance}. The effect size is "
            f"r = {number(r, 2)} ({_effect_word(r)})."
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
    for block in card.figure_a():
        if block.section == SIGNIFICANCE:
            section.figures += _figure_a_tables(block, "significance-tests")
    shifts = [(f"exited, all (n = {card.shown('exit_wilcoxon_n')} pairs)", shift, low, high)] + [
        (
            f"mid, {c} (n = {card.shown('mid_wilcoxon_n', c)} pairs)",
            card.value("mid_hl_shift", c),
            card.value("mid_hl_ci_low", c),
            card.value("mid_hl_ci_high", c),
        )
        for c in card.cohorts()
    ]
    section.figures.append(
        Figure(
            "chart-cohort-scores",
            "Mean RRS by entry cohort, and the Hodges-Lehmann shift",
            ["scorecard"],
            "chart",
            charts.cohort_scores_chart(
                [f"{c} (n = {card.shown('cohort_size', c)} spells)" for c in card.cohorts()],
                [card.value("cohort_mean_entry_score", c) for c in card.cohorts()],
                [card.value("cohort_mean_mid_score", c) for c in card.cohorts()],
                shifts,
            ),
            note="Left: mean entry and mid-spell RRS of each cohort's spells. Right: the "
            "Hodges-Lehmann shift; the bar through the exited spells' point is its 95% "
            "bootstrap confidence interval (the mid-spell shifts have none computed). "
            + incomplete_cohort_caveat(card),
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
    names = {}
    for name, counts in (("entry (all spells)", entry), ("exit (exited spells)", exits)):
        values = per_label(counts)
        total = sum(values)
        names[name] = f"{name.removesuffix(')')}, n = {total:,})"
        hidden = suppress_groups(
            [*values, total], [range(len(values) + 1)], BAND_THRESHOLD, exempt={len(values)}
        )
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
            charts.grouped_bars(
                labels,
                {names[k]: v for k, v in series.items()},
                "spells",
                "Spells per score band",
            ),
            note=f"* at the foot of a bar: a band of 1 to {BAND_THRESHOLD - 1} spells, or its "
            "secondary partner, suppressed (docs/disclosure.md).",
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


def _records(frame: pd.DataFrame | None) -> list[dict] | None:
    return None if frame is None else frame.to_dict("records")


def _rollup(frame: pd.DataFrame) -> pd.DataFrame:
    """All areas: cohort_monthly split by area keeps its roll-up as area 'ALL'."""
    return frame[frame["area"] == "ALL"] if "area" in frame.columns else frame


def cohort_section(marts: PublishedMarts) -> Section:
    section = Section(
        "cohort", "Live cohort by month (Figure B)", ["cohort_monthly", "release_forecast"]
    )
    cohort = marts.get("cohort_monthly")
    forecast = marts.get("release_forecast")
    missing_section(section, marts)
    if cohort is None:
        return section
    figure = figure_b(_records(cohort) or [], _records(forecast), FIGURE_B_MONTHS)
    # The force-wide rows are published whole; only the release-area rows are protected.
    area_rows = set(figure.area_rows())
    headline = [i for i in range(len(figure.rows)) if i not in area_rows]
    columns = []
    for m in range(len(figure.month_ends)):
        values = [None if is_missing(values[m]) else values[m] for _, values in figure.rows]
        hidden = suppress_groups(values, figure.sum_groups(), AREA_THRESHOLD, exempt=headline)
        columns.append([show_count(v, h) for v, h in zip(values, hidden, strict=True)])
    # The change on the previous month, for the force-wide rows only: a change of a protected
    # area row could give away what its cells hide.
    changes = {
        c.label: c
        for c in series_changes(figure.month_ends, [figure.rows[i] for i in headline], "Figure B")
    }
    with_change = len(figure.month_ends) >= 2
    table_rows = []
    for i, (label, _) in enumerate(figure.rows):
        if i == figure.due_row():
            heading = [RELEASES_DUE_HEADING, *(figure.window_ranges or [])]
            table_rows.append(heading + ([""] if with_change else []))
        row = [label.strip()] + [col[i] for col in columns]
        if with_change:
            change = changes.get(label)
            row.append(change_text(change.delta, "count") if change else "")
        table_rows.append(row)
    header = ["", *[month(m) for m in figure.month_ends]]
    if with_change:
        header.append(f"Change on {month(figure.month_ends[-2])}")
    section.paragraphs.append(
        "Counts are of <b>nominals</b> at each month end: the live cohort (open spell, not on "
        "the watchlist), those of them in custody, and the watchlist (in custody on a long "
        "sentence with release more than six months away)."
    )
    section.figures.append(
        Figure(
            "figure-b",
            "Live cohort, custody, releases due and watchlist by month (nominals)",
            ["cohort_monthly", "release_forecast"],
            "table",
            {"header": header, "rows": table_rows},
            note="Change: the last month end minus the one before (force-wide rows; the "
            "release-area rows are protected and not differenced). Due: releases expected "
            "in the 3-month window starting that month (e.g. "
            "Sep 2018 - Nov 2018); windows overlap, so a release can be due in up to three "
            "months' windows. Sudden parole releases cannot be forecast and are not in it.",
        )
    )
    section.figures.append(cohort_chart(_rollup(cohort)))
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
        series[name] = list(rows[column])
    return Figure(
        "chart-cohort-monthly",
        "Live cohort and custody by month",
        ["cohort_monthly"],
        "chart",
        charts.line_chart(
            [month(pd.Timestamp(m)) for m in rows["month_end"]],
            series,
            "nominals",
            "Nominals at each month end (all schemes)",
        ),
        note="Force-wide counts of the managed cohort: published whole (docs/disclosure.md).",
    )


def _window_range(record: dict) -> str:
    return window(pd.Timestamp(record["window_start"]), pd.Timestamp(record["window_end"]))


def forecast_chart(forecast: pd.DataFrame) -> Figure:
    rows = forecast[(forecast["scheme"] == "ALL") & (forecast["release_area"] == "ALL")]
    rows = rows.sort_values("window_start").tail(FORECAST_WINDOWS_CHARTED)
    series: dict[str, list] = {"due": [], "actual": []}
    records = rows.to_dict("records")
    for record in records:
        for name, column in (("due", "due_releases"), ("actual", "actual_releases")):
            value = record[column]
            # A window not over yet has no actual count: no bar (and no suppression mark).
            series[name].append(math.nan if is_missing(value) else value)
    return Figure(
        "chart-release-forecast",
        "Releases due vs actual per 3-month window",
        ["release_forecast"],
        "chart",
        charts.grouped_bars(
            [_window_range(r) for r in records],
            series,
            "nominals released",
            "Due vs actual releases (all schemes and areas)",
        ),
        note="Each bar is a 3-month window starting every month, so windows overlap. Windows "
        "still open at the as-of date have no actual count yet.",
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
        if record["window_label"] == "ALL":
            label = "all windows"
        elif is_missing(record.get("window_start")) or is_missing(record.get("window_end")):
            label = record["window_label"]
        else:
            label = _window_range(record)
        rows.append(
            [
                label,
                count(record.get("due_releases")),
                count(actual),
                part(record.get("absolute_error")),
                number(record.get("mean_absolute_error")),
                percentage(record.get("early_release_pct"), early, actual, "nominals"),
            ]
        )
    return Figure(
        "table-forecast-accuracy",
        "Release forecast backtest: due vs actual in closed windows (nominals)",
        ["release_forecast_accuracy"],
        "table",
        {
            "header": [
                "Window",
                "Due",
                "Actual",
                "Absolute error",
                "Mean abs. error (per window)",
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
        for code in ("dv_nominals", "dv_washout_nominals", "dv_ppit_reduction_pct"):
            section.paragraphs.append(f"{metric(code).label}: {card.shown(code)}.")
        # Survivors are counted in cases asked (Y or N), so the share's parts are survivors.
        section.paragraphs.append(
            f"{metric('idva_felt_safer_pct').label} (of those asked): "
            f"{card.shown('idva_felt_safer_pct')}."
        )
    outcomes = publishable if publishable is not None else marts.get("dv_outcomes")
    if outcomes is not None:
        section.figures.append(idva_table(outcomes, idva_source, publishable is not None))
    return section


def idva_table(outcomes: pd.DataFrame, source: str, already_suppressed: bool) -> Figure:
    cells = {(r["abuse_type"], r["outcome"]): r for r in outcomes.to_dict("records")}
    types = [t for t in ABUSE_TYPES if any(k[0] == t for k in cells)]
    matrix = [[cells.get((t, o), {}).get("cases") for o in OUTCOMES] for t in types]
    matrix = [[None if is_missing(v) else v for v in row] for row in matrix]
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
            shown = count(value, 0) if is_missing(pct) else f"{count(value, 0)} ({number(pct)}%)"
            row.append(SUPPRESSED if flag else shown)
        # An empty total is one the SQL mart withheld (1 to 9 cases).
        total = None if is_missing(total) else total
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
            SUPPRESSED if masked else "—" if is_missing(cessation) else f"{number(cessation)}%"
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


# ---------------------------------------------------------------- month on month


def _b_label(label: str) -> str:
    """Figure B's row label in a sentence: 'live total' -> 'the live cohort (total)'."""
    label = label.strip()
    if label == "live watchlist":
        return "the watchlist"
    if label == "total on IOM and watchlist":
        return "the total on IOM and watchlist"
    if label.startswith("live "):
        return f"the live cohort ({label.removeprefix('live ')})"
    if label.startswith("in custody "):
        return f"live nominals in custody ({label.removeprefix('in custody ')})"
    if label.startswith("due in next "):
        return f"releases {label.split(', ')[0]} ({label.split(', ')[-1]})"
    return label


def trends_section(marts: PublishedMarts) -> Section:
    """The largest changes on the previous month in words, then the cohort's mean score by
    month (chart and the last months as a table)."""
    section = Section("trends", "Month on month", ["cohort_monthly", "monthly_scores"])
    missing_section(section, marts)
    cohort = marts.get("cohort_monthly")
    if cohort is None:
        return section
    figure = figure_b(_records(cohort) or [], _records(marts.get("release_forecast")), 2)
    area_rows = set(figure.area_rows())
    # GENERIC is total minus DV: its change would repeat the total's.
    headline = [
        row for i, row in enumerate(figure.rows) if i not in area_rows and "GENERIC" not in row[0]
    ]
    changes = [
        Change(c.figure, _b_label(c.label), c.before, c.after, c.before_when, c.after_when)
        for c in series_changes(figure.month_ends, headline, "Figure B")
    ]
    monthly = marts.get("monthly_scores")
    means = None if monthly is None else mean_score_by_month(monthly, _rollup(cohort))
    score_trend = None
    if means is not None and len(means) >= 2:
        before, after = means.iloc[-2], means.iloc[-1]
        score_trend = Change(
            "mean RRS by month, below",
            "the mean RRS of the nominals on IOM",
            float(before["mean_rrs"]),
            float(after["mean_rrs"]),
            month(before["month_end"]),
            month(after["month_end"]),
            "score",
        )
    card = marts.get("scorecard")
    if card is not None:
        figure_a_moves, _ = scorecard_changes(Scorecard(card), marts)
        changes += list((figure_a_moves or {}).values())
    section.paragraphs.append(
        "The largest changes on the previous month, each with the figure it comes from "
        f"(ranked by the change against the previous value, one under {SMALLEST_BASE} "
        f"counted as {SMALLEST_BASE}, so a count moving from 1 to 0 does not lead):"
    )
    section.bullets = commentary(changes) or ["No headline figure changed on the previous month."]
    if score_trend is not None:
        # The cohort's score is the trend the board follows: always said, whatever its size.
        section.bullets += commentary([score_trend]) or [
            f"The mean RRS of the nominals on IOM did not change from {score_trend.before_when} "
            f"to {score_trend.after_when} ({number(score_trend.after)} points)."
        ]
    if means is not None and not means.empty:
        section.figures += mean_score_figures(means)
    return section


def mean_score_figures(means: pd.DataFrame) -> list[Figure]:
    labels = [month(pd.Timestamp(m)) for m in means["month_end"]]
    chart = Figure(
        "chart-mean-score-by-month",
        "Mean RRS of the nominals on IOM, by month",
        ["monthly_scores", "cohort_monthly"],
        "chart",
        charts.line_chart(
            labels,
            {"mean RRS (like-for-like)": list(means["mean_rrs"])},
            "mean RRS (points)",
            "Mean RRS of the nominals on IOM at each month end",
        ),
        note="Like-for-like scores (the newest offence matrix for every month, so the April "
        "2018 weapon uplift does not move the line). A nominal without a conviction or arrest "
        "in the windows scores 0 and counts in the mean. n per month: the table below.",
    )
    last = means.tail(FIGURE_B_MONTHS + 1).reset_index(drop=True)
    rows = []
    # The first of the last months is there for the change of the second only.
    for i in range(1 if len(last) > 1 else 0, len(last)):
        now = last.iloc[i]
        change = "" if i == 0 else signed(now["mean_rrs"] - last.iloc[i - 1]["mean_rrs"])
        rows.append(
            [
                month(pd.Timestamp(now["month_end"])),
                number(now["mean_rrs"]),
                count(now["on_iom"]),
                change,
            ]
        )
    table = Figure(
        "table-mean-score-by-month",
        "Mean RRS of the nominals on IOM, the last months",
        ["monthly_scores", "cohort_monthly"],
        "table",
        {
            "header": ["Month end", "Mean RRS", "n (nominals on IOM)", "Change on the month"],
            "rows": rows,
        },
    )
    return [chart, table]


# ---------------------------------------------------------------- selection


def selection_section(marts: PublishedMarts) -> Section:
    """Aggregates of the selection marts only: never a row of the selection list."""
    section = Section(
        "selection", "Selection for IOM", ["selection_candidates", "selection_monthly"]
    )
    missing_section(section, marts)
    threshold = marts.dbt_vars.get("selection_threshold", dbt_var("selection_threshold"))
    candidates = marts.get("selection_candidates")
    if candidates is not None:
        eligible = candidates["eligible"].iloc[0] if len(candidates) else 0
        when = f"{marts.as_of:%-d %B %Y}" if marts.as_of else "the as-of date"
        section.paragraphs.append(
            f"<b>{count(eligible)} people</b> were eligible for selection on {when}: no spell "
            f"open and an RRS of at least {threshold} (the force's selection threshold). The "
            "list itself (who they are) is for the panel only and is not in this report."
        )
    monthly = marts.get("selection_monthly")
    if monthly is None:
        return section
    known = monthly[monthly["entries_next_month"].notna()].sort_values("month_end")
    rows = []
    for r in known.tail(FIGURE_B_MONTHS).to_dict("records"):
        m = pd.Timestamp(r["month_end"])
        entries = r["entries_next_month"]
        rows.append(
            [
                month(m),
                count(r["eligible"]),
                f"{month(m + pd.offsets.MonthEnd(1))}: {count(entries)}",
                count(r["entered_next_month"]),
                count(r["entered_below_threshold"]),
            ]
        )
    section.figures.append(
        Figure(
            "table-selection-monthly",
            "Eligible people and the next month's entries, above and below the threshold",
            ["selection_monthly"],
            "table",
            {
                "header": [
                    "Month end",
                    "Eligible (people)",
                    "Entries next month (spells)",
                    f"of them at or above {threshold}",
                    f"of them below {threshold}",
                ],
                "rows": rows,
            },
            note="Entries below the threshold are a panel's judgement over the matrix. The "
            "rest of a month's entries had a spell open at the month end (a move between "
            "schemes). Month ends whose next month is not over yet are left out.",
        )
    )
    return section


def build_sections(marts: PublishedMarts) -> list[Section]:
    return [
        scorecard_section(marts),
        trends_section(marts),
        significance_section(marts),
        distribution_section(marts),
        cohort_section(marts),
        dv_section(marts),
        selection_section(marts),
    ]
