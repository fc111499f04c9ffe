"""Row counts and column schemas of the tables dbt built, on their materialisations in Dagster.

dagster-dbt's own fetchers (fetch_row_counts, fetch_column_metadata) query through a dbt adapter
opened in the Dagster process, which IomDbtCliResource leaves out (transform/assets.py), and
while dbt runs in this process it holds the warehouse open. So after a stage's dbt build has
finished and closed the file, one query counts the rows of every table the stage built and one
reads their columns from DuckDB's catalog; each table's materialisation then carries
`dagster/row_count` and `dagster/column_schema` (the types as built; descriptions from the
manifest), which the Dagster UI shows on the asset. Views (staging) are not counted: counting
one would run it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import dagster as dg
import duckdb

# dbt materialisations whose rows are stored, so a count is cheap; seeds are tables too.
COUNTED = ("table", "incremental", "seed")
# The metadata keys the Dagster UI shows as a table's row count and columns.
ROW_COUNT = "dagster/row_count"
COLUMN_SCHEMA = "dagster/column_schema"


def _unique_id(event: dg.Output) -> str | None:
    value = event.metadata.get("unique_id")
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _relation(node: Mapping[str, Any]) -> tuple[str, str] | None:
    materialized = "seed" if node["resource_type"] == "seed" else node["config"].get("materialized")
    if materialized not in COUNTED:
        return None
    return node["schema"], node.get("alias") or node["name"]


def table_metadata(
    con: duckdb.DuckDBPyConnection, relations: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, list[tuple[str, str]]]]:
    """(schema, table) -> (rows, [(column, type)]) for each relation that exists."""
    wanted = sorted(set(relations))
    if not wanted:
        return {}
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, data_type in con.execute(
        "select table_schema, table_name, column_name, data_type "
        "from information_schema.columns "
        "where table_catalog = current_database() "
        "and (table_schema, table_name) in (select unnest(?), unnest(?)) "
        "order by table_schema, table_name, ordinal_position",
        [[s for s, _ in wanted], [t for _, t in wanted]],
    ).fetchall():
        columns.setdefault((schema, table), []).append((column, data_type))
    present = [r for r in wanted if r in columns]
    if not present:
        return {}
    counts = " union all ".join(
        f'select {i} as relation, count(*) as row_count from "{s}"."{t}"'
        for i, (s, t) in enumerate(present)
    )
    rows = dict(con.execute(counts).fetchall())
    return {r: (int(rows[i]), columns[r]) for i, r in enumerate(present)}


def with_table_metadata(
    events: Iterable[Any], manifest: Mapping[str, Any], con: duckdb.DuckDBPyConnection
) -> Iterator[Any]:
    """The events of a finished dbt build, each table's Output with its row count and columns."""
    events = list(events)
    nodes = manifest["nodes"]
    relation_of: dict[str, tuple[str, str]] = {}
    for event in events:
        uid = _unique_id(event) if isinstance(event, dg.Output) else None
        relation = _relation(nodes[uid]) if uid in nodes else None
        if uid and relation:
            relation_of[uid] = relation
    found = table_metadata(con, relation_of.values())
    for event in events:
        uid = _unique_id(event) if isinstance(event, dg.Output) else None
        if uid not in relation_of or relation_of[uid] not in found:
            yield event
            continue
        row_count, columns = found[relation_of[uid]]
        described = nodes[uid].get("columns", {})
        schema = dg.TableSchema(
            columns=[
                dg.TableColumn(
                    name=name,
                    type=data_type.lower(),
                    description=(described.get(name) or {}).get("description") or None,
                )
                for name, data_type in columns
            ]
        )
        yield event.with_metadata(
            {
                **event.metadata,
                ROW_COUNT: dg.MetadataValue.int(row_count),
                COLUMN_SCHEMA: dg.MetadataValue.table_schema(schema),
            }
        )
