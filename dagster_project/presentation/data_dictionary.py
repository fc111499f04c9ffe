"""The analysts' data dictionary, generated from dbt's manifest (not the JS-heavy dbt docs site).

Every source, seed and model with its description, columns, tests and lineage, as one Markdown
file: docs/data-dictionary.md. Regenerate with `iom data-dictionary` after changing the dbt
project.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from dagster_project.publish.versions import CHECK_RESULTS
from dagster_project.quality.suites import table_suites
from dagster_project.report.marts import REPORT_MARTS
from dagster_project.settings import REPO_ROOT
from dagster_project.transform.project import ensure_manifest

DEFAULT_OUT = REPO_ROOT / "docs" / "data-dictionary.md"
# marts.check_results is not a dbt model: publication copies this run's rows of
# quality.check_results (quality/results.py, without its timing column) beside the marts.
CHECK_RESULTS_COLUMNS = {
    "run_id": "the Dagster run that built the marts of this version",
    "check_name": "the check: a dbt test, a Great Expectations suite or a SQL reconciliation",
    "asset": "the asset the check ran on (a feed, a dbt model, a table)",
    "severity": "ERROR blocks publication; WARN is reported and published",
    "passed": "true when the check passed",
    "observed_value": "what the check measured (a count or share; never a feed value)",
    "checked_at": "when the check ran (UTC)",
}
# Analysts start from the marts; the layers they are built from follow.
LAYERS = (
    ("marts", "Marts (published to data/analytics.duckdb)"),
    ("intermediate", "Intermediate models"),
    ("staging", "Staging models"),
    ("reference", "Reference data (seeds)"),
    ("raw", "Raw feeds (dbt sources, loaded by the Dagster feed assets)"),
    ("scoring", "Scores (dbt sources, written by the Dagster RRS assets)"),
)


def _name(node: Mapping[str, Any]) -> str:
    return f"{node['schema']}.{node.get('alias') or node['name']}"


def _anchor(node: Mapping[str, Any]) -> str:
    return _name(node).replace(".", "")


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _test_arguments(test: Mapping[str, Any]) -> Mapping[str, Any]:
    kwargs = (test.get("test_metadata") or {}).get("kwargs", {})
    return kwargs.get("arguments") or kwargs


def _accepted_values_label(values: list[Any]) -> str:
    return f"accepted_values ({', '.join(map(str, values))})"


def _test_labels(test: Mapping[str, Any]) -> dict[str, set[str]]:
    """What a test checks, by column ('' for the table): one test may check several columns,
    and row_rules a model's required columns, keys, accepted values and references."""
    name = (test.get("test_metadata") or {}).get("name") or test["name"]
    arguments = _test_arguments(test)
    if name == "accepted_values":
        return {test.get("column_name") or "": {_accepted_values_label(arguments["values"])}}
    if name == "unique_combination":
        return {"": {f"unique_combination ({', '.join(arguments.get('columns', []))})"}}
    if name == "row_rules":
        # the one-node form of not_null, unique, accepted_values and relationships
        labels: dict[str, set[str]] = {c: {"not_null"} for c in arguments.get("columns", [])}
        for key in arguments.get("keys", []):
            if len(key) == 1:
                labels.setdefault(key[0], set()).add("unique")
            else:
                labels.setdefault("", set()).add(f"unique_combination ({', '.join(key)})")
        for column, values in arguments.get("accepted_values", {}).items():
            labels.setdefault(column, set()).add(_accepted_values_label(values))
        for column in arguments.get("references", {}):
            labels.setdefault(column, set()).add("relationships")
        return labels
    return {test.get("column_name") or "": {name}}


def _primary_key(node: Mapping[str, Any], node_tests: list[Mapping[str, Any]]) -> list[str]:
    """dbt's inferred primary key, else the first key of the model's row_rules test."""
    if node.get("primary_key"):
        return list(node["primary_key"])
    for test in node_tests:
        if (test.get("test_metadata") or {}).get("name") == "row_rules":
            keys = _test_arguments(test).get("keys", [])
            if keys:
                return list(keys[0])
    return []


def _gx_rules() -> dict[tuple[str, str], dict[str, set[str]]]:
    """(schema, table) -> column -> GX rules, marked GX (they run after dbt, in table_checks);
    a rule on several columns files under ''."""
    rules: dict[tuple[str, str], dict[str, set[str]]] = {}
    today = date.today()  # the rules' meanings do not depend on the run's dates
    for suite in table_suites(today, today):
        by_column = rules.setdefault((suite.schema, suite.table), {})
        where = f" where {suite.where}" if suite.where else ""
        for rule in suite.rules:
            column = rule.columns[0] if len(rule.columns) == 1 else ""
            by_column.setdefault(column, set()).add(f"GX {rule.meaning}{where}")
    return rules


def _link(node: Mapping[str, Any]) -> str:
    return f"[{_name(node)}](#{_anchor(node)})"


def render(manifest: Mapping[str, Any]) -> str:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    documented = {
        uid: node
        for uid, node in nodes.items()
        if node["resource_type"] in ("model", "seed", "source")
    }
    tests: dict[str, list[Mapping[str, Any]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node"):
            tests.setdefault(node["attached_node"], []).append(node)
    gx_rules = _gx_rules()
    unit_tests: dict[str, int] = {}
    for unit in manifest.get("unit_tests", {}).values():
        for parent in unit["depends_on"]["nodes"][:1]:
            unit_tests[parent] = unit_tests.get(parent, 0) + 1

    lines = [
        "# Data dictionary",
        "",
        "Generated by `iom data-dictionary` from `dbt/target/manifest.json`: do not edit by hand.",
        "Every table of the warehouse with its grain, columns, tests and lineage. Analysts read",
        "the marts from the published copy `data/analytics.duckdb` (schema `marts`).",
        "Tests marked GX are Great Expectations rules, checked after dbt in `table_checks`",
        "(docs/data-quality.md); GX rules let empty values pass, `not_null` is dbt's.",
        "",
    ]
    known = [schema for schema, _ in LAYERS]
    # A schema not listed (e.g. one a new Python asset writes) still gets its own part.
    others = sorted({n["schema"] for n in documented.values()} - set(known))
    for schema, title in [*LAYERS, *((o, f"Schema {o}") for o in others)]:
        in_layer = sorted(
            (n for n in documented.values() if n["schema"] == schema), key=lambda n: n["name"]
        )
        if not in_layer:
            continue
        lines += [f"## {title}", ""]
        lines += [f"- {_link(n)}" for n in in_layer]
        lines.append("")
        for node in in_layer:
            checked = gx_rules.get((node["schema"], node.get("alias") or node["name"]), {})
            lines += _node_section(node, manifest, documented, tests, unit_tests, checked)
    lines += _check_results_section()
    lines += _metric_codes_section()
    return "\n".join(lines).rstrip() + "\n"


def _check_results_section() -> list[str]:
    lines = [
        f'<a id="marts-{CHECK_RESULTS}"></a>',
        f"### marts.{CHECK_RESULTS}",
        "",
        "The quality checks that vouch for this published version: one row per check of the "
        "run that built it (grain: run_id, asset, check_name). Copied from quality.check_results "
        "at publication; `iom export` summarises it on its README sheet.",
        "",
        "- Kind: table written by publication (not a dbt model)",
        "",
        "| Column | Description | Tests |",
        "|---|---|---|",
    ]
    lines += [f"| `{name}` | {text} |  |" for name, text in CHECK_RESULTS_COLUMNS.items()]
    return [*lines, ""]


def metric_codes() -> dict[str, str]:
    """Every scorecard metric code and what it means, from the scorecard_metrics seed."""
    from dagster_project.presentation.metrics import scorecard_metrics

    return {code: f"{m.label}: {m.description}" for code, m in scorecard_metrics().items()}


def _metric_codes_section() -> list[str]:
    lines = [
        "## Scorecard metric codes",
        "",
        "What each value of `marts.scorecard.metric` means: its label and description from the "
        "seed scorecard_metrics (conventions for `numerator` and `denominator`: docs/metrics.md).",
        "",
        "| metric | definition |",
        "|---|---|",
    ]
    lines += [f"| `{code}` | {_cell(text)} |" for code, text in metric_codes().items()]
    return [*lines, ""]


def _node_section(
    node: Mapping[str, Any],
    manifest: Mapping[str, Any],
    documented: Mapping[str, Mapping[str, Any]],
    tests: Mapping[str, list[Mapping[str, Any]]],
    unit_tests: Mapping[str, int],
    gx_rules: Mapping[str, set[str]],
) -> list[str]:
    uid = node["unique_id"]
    lines = [f'<a id="{_anchor(node)}"></a>', f"### {_name(node)}", ""]
    lines += [_cell(node.get("description")) or "_No description._", ""]
    kind = node["resource_type"]
    materialized = node.get("config", {}).get("materialized")
    lines.append(f"- Kind: {kind}" + (f" ({materialized})" if kind == "model" else ""))
    node_tests = tests.get(uid, [])
    primary_key = _primary_key(node, node_tests)
    if primary_key:
        lines.append(f"- Primary key: {', '.join(primary_key)}")
    parents = [documented[p] for p in manifest["parent_map"].get(uid, []) if p in documented]
    children = [documented[c] for c in manifest["child_map"].get(uid, []) if c in documented]
    lines.append("- Built from: " + (", ".join(_link(p) for p in parents) or "—"))
    lines.append("- Used by: " + (", ".join(_link(c) for c in children) or "—"))
    if node["schema"] == "marts" and node["name"] in REPORT_MARTS:
        lines.append("- Read by: the monthly report (asset `performance_report`, docs/report.md)")
    labels: dict[str, set[str]] = {}
    for test in node_tests:
        for column, found in _test_labels(test).items():
            labels.setdefault(column, set()).update(found)
    table_tests = sorted(labels.get("", ()))
    table_tests += sorted(gx_rules.get("", ()))
    if table_tests:
        lines.append(f"- Table tests: {', '.join(table_tests)}")
    if unit_tests.get(uid):
        lines.append(f"- dbt unit tests: {unit_tests[uid]}")
    lines.append("")
    columns = node.get("columns", {})
    if columns:
        lines += ["| Column | Description | Tests |", "|---|---|---|"]
        for column in columns.values():
            column_tests = sorted(labels.get(column["name"], ())) + sorted(
                gx_rules.get(column["name"], ())
            )
            lines.append(
                f"| `{column['name']}` | {_cell(column.get('description'))} | "
                f"{_cell(', '.join(column_tests))} |"
            )
        lines.append("")
    return lines


def write_data_dictionary(out: Path | None = None) -> Path:
    manifest = json.loads(ensure_manifest().read_text())
    target = out or DEFAULT_OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(manifest), encoding="utf-8")
    return target
