"""What the Dagster UI shows of a dbt-built table: its row count and columns, recorded on the
materialisation of the small run (tests/report/conftest.py) and read back from its instance.

By hand: cohort_monthly's grid is every month end from February 2017 (N1's entry) to March
2019, 26 months, x 3 schemes x 4 areas = 312 rows; figure_b has the 17 rows of Figure B.
"""

from __future__ import annotations

from dagster import AssetKey

from dagster_project.transform.dbt_files import model_columns
from tests.pipeline import PipelineRun


def _metadata(run: PipelineRun, *path: str) -> dict:
    with run.instance() as instance:
        event = instance.get_latest_materialization_event(AssetKey(list(path)))
    assert event is not None and event.asset_materialization is not None, path
    return dict(event.asset_materialization.metadata)


def test_marts_materialise_with_their_row_count_and_columns(small_run: PipelineRun):
    cohort = _metadata(small_run, "marts", "cohort_monthly")
    assert cohort["dagster/row_count"].value == 26 * 3 * 4
    columns = cohort["dagster/column_schema"].schema.columns
    assert [c.name for c in columns] == list(model_columns("cohort_monthly"))
    types = {c.name: c.type for c in columns}
    assert (types["month_end"], types["scheme"], types["live_cohort"]) == (
        "date",
        "varchar",
        "bigint",
    )
    assert next(c for c in columns if c.name == "watchlist").description

    assert _metadata(small_run, "marts", "figure_b")["dagster/row_count"].value == 17
    with small_run.published() as con:
        (scorecard_rows,) = con.execute("select count(*) from marts.scorecard").fetchone()
    assert _metadata(small_run, "marts", "scorecard")["dagster/row_count"].value == scorecard_rows


def test_views_are_not_counted(small_run: PipelineRun):
    staging = _metadata(small_run, "staging", "stg_iom_register")
    assert "dagster/row_count" not in staging
