"""Great Expectations' Data Docs show their results in a browser with the network off."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx

from dagster_project.quality.suites import Rule, TableSuite
from dagster_project.quality.validate import GxRunner
from tests.report.browser import browser_page

SUITE = TableSuite(
    name="tiny_scores",
    schema="main",
    table="tiny_scores",
    columns={"score": "INTEGER"},
    rules=(
        Rule("score_present", gx.expectations.ExpectColumnValuesToNotBeNull(column="score"), "set"),
        Rule(
            "score_range",
            gx.expectations.ExpectColumnValuesToBeBetween(column="score", min_value=0, max_value=5),
            "0-5",
        ),
    ),
)


def test_data_docs_render_offline(tmp_path: Path) -> None:
    con = duckdb.connect()
    # one score out of range (9 > 5): the suite fails, and the page must say so
    con.execute("create table tiny_scores as select * from (values (1), (9)) as t(score)")
    runner = GxRunner(tmp_path / "docs")
    runner.outcomes(con, SUITE)
    index = runner.build_docs()
    pages = list((tmp_path / "docs").rglob("*.html"))
    assert all("cdn.jsdelivr.net" not in p.read_text() for p in pages)
    requested: list[str] = []
    with browser_page() as page:

        def block(route) -> None:
            requested.append(route.request.url)
            route.abort()

        page.route("http*://**", block)
        page.goto(index.as_uri())
        table = page.locator("#iom-validation-results")
        assert "tiny_scores" in table.inner_text()
        assert "Failed" in table.inner_text()
        page.click("#iom-validation-results a >> text=tiny_scores")
        body = page.inner_text("body")
        assert "score" in body and "Expectation Validation Result" in body
    assert requested == []
