"""The impact evaluation in the report's "Is the fall real?" section: the adjusted effect
beside the naive change, a table per scheme and the observed / expected / difference chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dagster_project.presentation.impact import BREAKDOWNS, CAVEAT, figures, headline
from dagster_project.report import charts
from dagster_project.transform.dbt_files import dbt_var

if TYPE_CHECKING:
    from dagster_project.report.figures import Section
    from dagster_project.report.marts import PublishedMarts

MART = "impact_evaluation"
# A link to a page of the repository's docs/ folder; render.py points it at the folder from
# where the report is written (render.DOCS_LINK).
METHOD_LINK = '<a href="docs:impact.md">how the impact evaluation works (docs/impact.md)</a>'


def add_impact(section: Section, marts: PublishedMarts) -> None:
    """Append the impact paragraphs, table and chart; a note when the mart is not published."""
    from dagster_project.report.figures import Figure, count, number, signed

    frame = marts.get(MART)
    if frame is None or frame.empty:
        section.paragraphs.append(
            "The impact evaluation (impact_evaluation) is not in this published version; "
            f"{METHOD_LINK} explains what it will show."
        )
        return
    horizon = int(
        marts.dbt_vars.get("evaluation_horizon_months", dbt_var("evaluation_horizon_months"))
    )
    section.sources.append(MART)
    f = figures(frame.to_dict("records"))
    naive, adjusted = headline(f)
    section.paragraphs += [
        f"<b>Net of regression to the mean.</b> Each managed spell's score {horizon} months "
        f"after the month before entry is set beside the change seen, over the same {horizon} "
        "months, in people with the same score band, year and custody status who were not on "
        f"IOM. The method: {METHOD_LINK}.",
        f"Naive: {naive}. Adjusted: {adjusted}.",
        CAVEAT,
    ]
    header = ["", *BREAKDOWNS]
    rows = [
        ["Matched spells (n)", *(count(f.get(("matched_spells", b))) for b in BREAKDOWNS)],
        ["Naive change", *(signed(f.get(("mean_observed_change", b))) for b in BREAKDOWNS)],
        ["Expected change", *(signed(f.get(("mean_expected_change", b))) for b in BREAKDOWNS)],
        ["Adjusted effect", *(signed(f.get(("mean_effect", b))) for b in BREAKDOWNS)],
        [
            "95% CI",
            *(
                f"{signed(f.get(('effect_ci_low', b)))} to {signed(f.get(('effect_ci_high', b)))}"
                for b in BREAKDOWNS
            ),
        ],
        ["Naive change %", *(signed(f.get(("naive_change_pct", b))) for b in BREAKDOWNS)],
        ["Adjusted effect %", *(signed(f.get(("effect_pct", b))) for b in BREAKDOWNS)],
        [
            "Reoffending rate, treated / expected",
            *(
                f"{number(f.get(('reoffending_rate_treated', b)))}% / "
                f"{number(f.get(('reoffending_rate_expected', b)))}%"
                for b in BREAKDOWNS
            ),
        ],
    ]
    section.figures.append(
        Figure(
            "impact-table",
            "Naive and adjusted change per scheme (RRS points)",
            [MART],
            "table",
            {"header": header, "rows": rows},
        )
    )
    section.figures.append(
        Figure(
            "chart-impact",
            "Observed change, expected change and their difference, per scheme",
            [MART],
            "chart",
            charts.impact_chart(
                [f"{b} (n = {count(f.get(('matched_spells', b)))} spells)" for b in BREAKDOWNS],
                [f.get(("mean_observed_change", b)) for b in BREAKDOWNS],
                [f.get(("mean_expected_change", b)) for b in BREAKDOWNS],
                [f.get(("mean_effect", b)) for b in BREAKDOWNS],
                [(f.get(("effect_ci_low", b)), f.get(("effect_ci_high", b))) for b in BREAKDOWNS],
            ),
        )
    )
