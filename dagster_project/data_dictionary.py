"""The analysts' data dictionary, generated from dbt's manifest (not the JS-heavy dbt docs site).

Every source, seed and model with its description, columns, tests and lineage, as one Markdown
file: docs/data-dictionary.md. Regenerate with `iom data-dictionary` after changing the dbt
project.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dagster_project.paths import REPO_ROOT
from dagster_project.project import ensure_manifest
from dagster_project.quality.suites import Rule, TableSuite, table_suites
from dagster_project.report.marts import REPORT_MARTS

DEFAULT_OUT = REPO_ROOT / "docs" / "data-dictionary.md"
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


def _test_label(test: Mapping[str, Any]) -> str:
    name = (test.get("test_metadata") or {}).get("name") or test["name"]
    if name == "accepted_values":
        return f"accepted_values ({', '.join(map(str, _test_arguments(test).get('values', [])))})"
    if name == "not_null_columns":
        return "not_null"  # the one-node form of not_null for several columns
    if name == "unique_combination":
        return f"unique_combination ({', '.join(_test_arguments(test).get('columns', []))})"
    return name


def _tested_columns(test: Mapping[str, Any]) -> tuple[str, ...]:
    """The columns a test is about: its column, or each column a not_null_columns test lists."""
    if test.get("column_name"):
        return (test["column_name"],)
    if (test.get("test_metadata") or {}).get("name") == "not_null_columns":
        return tuple(_test_arguments(test).get("columns", ()))
    return ()


# The suites' date bounds follow the run's dates; built for this one, they are recognisable.
_RUN_DATE = date(2000, 1, 15)


def _gx_label(rule: Rule, suite: TableSuite) -> str:
    """A GX rule in the words of the dictionary, marked GX: it runs after dbt, in table_checks."""
    config = rule.expectation.dict()
    kind = rule.expectation.expectation_type
    if kind == "expect_column_values_to_be_in_set":
        label = f"accepted_values ({', '.join(map(str, config['value_set']))})"
    elif kind == "expect_column_values_to_match_regex":
        label = f"matches `{config['regex']}`"
    elif kind == "expect_compound_columns_to_be_unique":
        label = f"unique ({', '.join(config['column_list'])})"
    elif kind == "expect_column_values_to_be_unique":
        label = "unique"
    elif isinstance(config.get("max_value"), datetime):
        bound = config["max_value"].date()
        label = "not after the " + (
            ("extract date" if suite.schema == "staging" else "as-of date")
            if bound == _RUN_DATE
            else "end of the as-of month"
            if bound == (_RUN_DATE.replace(day=28) + timedelta(days=4)).replace(day=1)
            else bound.isoformat()
        )
    else:
        low, high = config.get("min_value"), config.get("max_value")
        label = f"{low:g}-{high:g}" if high is not None else f">= {low:g}"
    where = f" where {suite.where}" if suite.where else ""
    return f"GX {label}{where}"


def _gx_rules() -> dict[tuple[str, str], dict[str, set[str]]]:
    """(schema, table) -> column -> GX labels; a rule on several columns files under ''."""
    rules: dict[tuple[str, str], dict[str, set[str]]] = {}
    for suite in table_suites(_RUN_DATE, _RUN_DATE):
        by_column = rules.setdefault((suite.schema, suite.table), {})
        for rule in suite.rules:
            column = rule.columns[0] if len(rule.columns) == 1 else ""
            by_column.setdefault(column, set()).add(_gx_label(rule, suite))
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
    return "\n".join(lines).rstrip() + "\n"


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
    if node.get("primary_key"):
        lines.append(f"- Primary key: {', '.join(node['primary_key'])}")
    parents = [documented[p] for p in manifest["parent_map"].get(uid, []) if p in documented]
    children = [documented[c] for c in manifest["child_map"].get(uid, []) if c in documented]
    lines.append("- Built from: " + (", ".join(_link(p) for p in parents) or "—"))
    lines.append("- Used by: " + (", ".join(_link(c) for c in children) or "—"))
    if node["schema"] == "marts" and node["name"] in REPORT_MARTS:
        lines.append("- Read by: the monthly report (asset `performance_report`, docs/report.md)")
    node_tests = tests.get(uid, [])
    table_tests = sorted({_test_label(t) for t in node_tests if not _tested_columns(t)})
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
            column_tests = sorted(
                {_test_label(t) for t in node_tests if column["name"] in _tested_columns(t)}
            ) + sorted(gx_rules.get(column["name"], ()))
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
