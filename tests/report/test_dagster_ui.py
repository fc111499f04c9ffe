"""The Dagster UI in a real browser: the whole lineage is there, an asset materialises, and a
mart shows its row count and columns."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dagster_project.transform.project import ensure_manifest
from tests.pipeline import PipelineRun
from tests.report.browser import TIMEOUT_MS, browser_page
from tests.report.conftest import small_landing
from tests.report.webserver import Webserver, dagster_webserver

# About 60 s on one worker (2026-12-07): its test group is handed out first.
pytestmark = pytest.mark.duration(60)

RUN_TIMEOUT_S = 300
# The webserver alone runs no daemon, so runs launch at once instead of waiting in a queue.
INSTANCE_CONFIG = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
"""

ASSET_NODES = """
{ assetNodes { assetKey { path } groupName dependencyKeys { path }
  assetChecksOrError { ... on AssetChecks { checks { name } } } } }
"""
RUNS = "{ runsOrError { ... on Runs { results { runId status assetSelection { path } } } } }"


@pytest.fixture(scope="module")
def webserver(
    tmp_path_factory: pytest.TempPathFactory, small_run: PipelineRun
) -> Iterator[Webserver]:
    """The UI on a copy of the small run's Dagster instance (its materialisations: row counts
    and columns), with its own data folder for what the tests materialise from the UI."""
    assert small_run.dagster_home is not None
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(small_run.dagster_home, root / "dagster_home")
    (root / "dagster_home" / "dagster.yaml").write_text(INSTANCE_CONFIG)
    with dagster_webserver(root, small_landing(root / "landing")) as server:
        yield server


def _dbt_models(schema: str) -> set[str]:
    import json

    manifest = json.loads(ensure_manifest().read_text())
    return {
        f"{node['schema']}/{node['name']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == schema
    }


def test_the_asset_graph_has_feeds_models_marts_checks_and_report_with_lineage(
    webserver: Webserver, output_dir: Path
):
    nodes = {
        "/".join(n["assetKey"]["path"]): n for n in webserver.graphql(ASSET_NODES)["assetNodes"]
    }
    parents = {key: {"/".join(k["path"]) for k in n["dependencyKeys"]} for key, n in nodes.items()}
    for feed in ("iom_register", "arrests", "convictions", "custody_episodes", "idva_cases"):
        assert f"raw/{feed}" in nodes
        assert f"raw/{feed}" in parents[f"staging/stg_{feed}"]
    marts = _dbt_models("marts")
    assert marts <= set(nodes)
    assert marts | _dbt_models("intermediate") <= parents["published_marts"]
    assert parents["performance_report"] == {"published_marts"}
    checks = nodes["staging/stg_iom_register"]["assetChecksOrError"]["checks"]
    assert "row_rules_stg_iom_register" in {c["name"] for c in checks}

    with browser_page(1600, 1000) as page:
        page.goto(f"{webserver.url}/asset-groups")
        for group in ("raw_feeds", "staging", "intermediate", "publication", "reporting"):
            page.get_by_text(group, exact=True).first.wait_for(timeout=TIMEOUT_MS)
        _dismiss_welcome(page)
        page.screenshot(path=str(output_dir / "global-lineage.png"))
        page.goto(
            f"{webserver.url}/assets/performance_report"
            "?view=lineage&lineageScope=upstream&lineageDepth=3"
        )
        page.get_by_text("published_marts").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("stg_iom_register").first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(output_dir / "report-lineage.png"))
        assert [e for e in page.errors if "favicon" not in e] == []


def test_an_asset_materialises_from_the_ui(webserver: Webserver, output_dir: Path):
    with browser_page(1600, 1000) as page:
        page.goto(f"{webserver.url}/assets/raw/iom_register")
        _dismiss_welcome(page)
        page.locator("button", has_text="Materialize").first.click()
        page.get_by_text("Launched run").first.wait_for(timeout=TIMEOUT_MS)
        status = _wait_for_run(webserver, ["raw", "iom_register"])
        page.goto(f"{webserver.url}/assets/raw/iom_register")
        page.get_by_text("Latest materialization").first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(output_dir / "materialised.png"))
    assert status == "SUCCESS", webserver.log.read_text()[-3000:]


def _dismiss_welcome(page) -> None:
    """A first visit may show a community sign-up dialog over the page."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=5_000)
    except Exception:  # playwright's TimeoutError: no dialog this time
        return
    skip.click()


def _wait_for_run(webserver: Webserver, asset_path: list[str]) -> str:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        runs = webserver.graphql(RUNS)["runsOrError"]["results"]
        mine = [r for r in runs if {"path": asset_path} in (r["assetSelection"] or [])]
        if mine and mine[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            return mine[0]["status"]
        time.sleep(2)
    raise AssertionError(f"run of {'/'.join(asset_path)} did not finish in {RUN_TIMEOUT_S}s")


def test_a_mart_shows_its_row_count_and_columns(webserver: Webserver, output_dir: Path):
    """cohort_monthly of the small run: 26 month ends x 3 schemes x 4 areas = 312 rows."""
    with browser_page(1600, 1000) as page:
        page.goto(f"{webserver.url}/assets/marts/cohort_monthly")
        _dismiss_welcome(page)
        page.get_by_text("Row count").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("312", exact=True).first.wait_for(timeout=TIMEOUT_MS)
        for column in ("month_end", "live_cohort", "in_custody_release_county_north"):
            page.get_by_text(column, exact=True).first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text("bigint").first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=str(output_dir / "mart-row-count-and-columns.png"), full_page=True)
