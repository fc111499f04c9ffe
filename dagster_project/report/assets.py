"""The asset that writes the monthly performance report from the published marts."""

import dagster as dg

from dagster_project.publish.assets import published_marts
from dagster_project.resources import WarehouseResource

REPORT_GROUP = "reporting"
REPORTS_DIR = "reports"


@dg.asset(
    key="performance_report",
    group_name=REPORT_GROUP,
    kinds={"html", "pdf"},
    deps=[published_marts],
    description=(
        "The monthly performance report (Figure A scorecard, month on month with commentary, "
        "Figure B live cohort, DVIOM, significance and impact, selection aggregates, charts) "
        "under the disclosure policy, as one self-contained HTML file and a PDF under "
        "data/reports/, built from the published copy data/analytics.duckdb read only."
    ),
)
def performance_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    # Imported here: rendering brings matplotlib (0.7 s), which no other asset and none of the
    # nightly job's steps need, while every process that loads the definitions would pay it.
    from dagster_project.report.render import ChromiumMissingError, write_report

    try:
        report = write_report(
            warehouse.root, warehouse.root / REPORTS_DIR, marking=warehouse.protective_marking
        )
    except ChromiumMissingError as exc:
        raise dg.Failure(description=str(exc)) from exc
    if report.missing_marts:
        context.log.warning(f"Marts not published yet: {', '.join(report.missing_marts)}")
    return dg.MaterializeResult(
        metadata={
            "as_of": str(report.as_of),
            "version": report.version_id or "",
            "html": dg.MetadataValue.path(str(report.html_path)),
            "pdf": dg.MetadataValue.path(str(report.pdf_path)),
            "sections": len(report.sections),
            "missing_marts": dg.MetadataValue.json(report.missing_marts),
        }
    )
