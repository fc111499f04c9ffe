"""The analysts' data dictionary covers every table and column dbt knows, with lineage."""

import json
import subprocess
import sys

from dagster_project.presentation.data_dictionary import DEFAULT_OUT, render
from dagster_project.settings import REPO_ROOT
from dagster_project.transform.project import ensure_manifest


def _manifest() -> dict:
    return json.loads(ensure_manifest().read_text())


def test_every_model_seed_and_source_is_there_with_every_column_described():
    manifest = _manifest()
    text = render(manifest)
    nodes = [
        n
        for n in [*manifest["nodes"].values(), *manifest["sources"].values()]
        if n["resource_type"] in ("model", "seed", "source")
    ]
    for node in nodes:
        assert f"### {node['schema']}.{node.get('alias') or node['name']}" in text
        for column in node.get("columns", {}):
            assert f"| `{column}` |" in text


def test_lineage_and_tests_are_listed():
    text = render(_manifest())
    section = text.split("### staging.stg_iom_register", 1)[1].split("\n### ", 1)[0]
    assert "Built from: [raw.iom_register](#rawiom_register)" in section
    assert "[intermediate.int_spells](#intermediateint_spells)" in section
    assert "| `spell_id` |" in section and "not_null, unique" in section


def test_gx_rules_are_listed_beside_dbt_tests():
    text = render(_manifest())
    register = text.split("### staging.stg_iom_register", 1)[1].split("\n### ", 1)[0]
    assert "| `scheme` |" in register
    scheme_row = next(line for line in register.splitlines() if line.startswith("| `scheme` |"))
    assert scheme_row.endswith("| not_null, GX accepted_values (GENERIC, DV) |")
    cohort = text.split("### marts.cohort_monthly", 1)[1].split("\n### ", 1)[0]
    assert (
        "- Table tests: unique_combination (month_end, scheme, area), "
        "GX unique (month_end, scheme, area)" in (cohort)
    )
    assert "| not_null, GX not after the end of the as-of month |" in cohort


def test_the_committed_dictionary_is_current():
    # Stale after a dbt change: regenerate with `iom data-dictionary` and commit.
    assert DEFAULT_OUT.read_text() == render(_manifest())


def test_iom_data_dictionary_writes_the_file(tmp_path):
    out = tmp_path / "dictionary.md"
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "data-dictionary", "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("# Data dictionary")


def test_check_results_and_every_scorecard_metric_code_are_explained():
    from dagster_project.presentation.metrics import scorecard_metrics
    from dagster_project.quality.results import DDL

    text = render(_manifest())
    assert "### marts.check_results" in text
    # every published column of quality.check_results (the timing column stays behind)
    for column in ("run_id", "check_name", "asset", "severity", "passed", "observed_value"):
        assert column in DDL
        assert f"| `{column}` |" in text.split("### marts.check_results")[1]
    codes = text.split("## Scorecard metric codes")[1]
    for metric in scorecard_metrics():
        row = next(line for line in codes.splitlines() if line.startswith(f"| `{metric}` |"))
        assert len(row.split("|")[2].strip()) > 10, row
