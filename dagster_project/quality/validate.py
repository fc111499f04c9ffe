"""Runs the suites: schema from DuckDB's catalogue, rules through GX on pandas or, for big
tables, the same expectations translated to DuckDB SQL (GX on pandas costs seconds per
expectation at a million rows; see docs/data-quality.md)."""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import great_expectations as gx
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from dagster_project.quality.offline_docs import make_offline
from dagster_project.quality.results import CheckOutcome
from dagster_project.quality.suites import ERROR, SCHEMA_CHECK, Rule, TableSuite

DOCS_SITE = "run"
NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE")


def _type_matches(expected: str, actual: str) -> bool:
    if not expected:
        return True
    if expected == "NUMBER":
        return actual in NUMBER_TYPES or actual.startswith("DECIMAL")
    return actual == expected


def schema_outcome(con: duckdb.DuckDBPyConnection, suite: TableSuite) -> CheckOutcome:
    actual = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [suite.schema, suite.table],
        ).fetchall()
    )
    problems = [
        f"{name} missing" if name not in actual else f"{name} is {actual[name]}, not {expected}"
        for name, expected in suite.columns.items()
        if name not in actual or not _type_matches(expected, actual[name])
    ]
    return CheckOutcome(
        asset="/".join(suite.asset_path),
        check_name=SCHEMA_CHECK,
        severity=ERROR,
        passed=not problems,
        observed_value="; ".join(problems) or f"{len(actual)} columns as contracted",
    )


def _describe(rule: Rule) -> str:
    kwargs = rule.expectation.dict()
    target = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
    return f"{rule.expectation.expectation_type}({target})"


def _rule_sql(rule: Rule, where: str) -> str:
    """The count of rows breaking one expectation, in DuckDB SQL (nulls pass, as in GX)."""
    expectation = rule.expectation
    kwargs = expectation.dict()
    kind = expectation.expectation_type
    if (
        kind == "expect_compound_columns_to_be_unique"
        or kind == "expect_column_values_to_be_unique"
    ):
        columns = ", ".join(kwargs.get("column_list") or [kwargs["column"]])
        return (
            f"select coalesce(sum(n), 0) from (select count(*) as n from {{relation}} {where} "
            f"group by {columns} having count(*) > 1)"
        )
    column = kwargs["column"]
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(repr(str(v)) for v in kwargs["value_set"])
        condition = f"{column} is not null and {column}::varchar not in ({values})"
    elif kind == "expect_column_values_to_match_regex":
        condition = f"{column} is not null and not regexp_matches({column}, {kwargs['regex']!r})"
    elif kind == "expect_column_values_to_be_between":
        bounds = []
        if kwargs.get("min_value") is not None:
            bounds.append(f"{column} < {_literal(kwargs['min_value'])}")
        if kwargs.get("max_value") is not None:
            bounds.append(f"{column} > {_literal(kwargs['max_value'])}")
        condition = f"{column} is not null and ({' or '.join(bounds)})"
    else:
        raise ValueError(f"{kind} has no SQL translation; add one or keep the table under GX")
    joined = f"{where} and ({condition})" if where else f"where {condition}"
    return f"select count(*) from {{relation}} {joined}"


def _literal(value: object) -> str:
    return f"'{value}'" if not isinstance(value, int | float) else str(value)


def _summarise(suite: TableSuite, failures: dict[str, list[str]]) -> list[CheckOutcome]:
    outcomes = []
    for check in suite.check_names():
        if check == SCHEMA_CHECK:
            continue
        rules = [r for r in suite.rules if suite.check_prefix + r.check == check]
        broken = failures.get(check, [])
        outcomes.append(
            CheckOutcome(
                asset="/".join(suite.asset_path),
                check_name=check,
                severity=max((r.severity for r in rules), key=lambda s: s == ERROR),
                passed=not broken,
                observed_value="; ".join(broken) or f"{len(rules)} expectations met",
            )
        )
    return outcomes


def sql_outcomes(con: duckdb.DuckDBPyConnection, suite: TableSuite) -> list[CheckOutcome]:
    where = f"where {suite.where}" if suite.where else ""
    failures: dict[str, list[str]] = {}
    for rule in suite.rules:
        sql = _rule_sql(rule, where).format(relation=suite.relation)
        bad = con.execute(sql).fetchone()[0]
        if bad:
            failures.setdefault(suite.check_prefix + rule.check, []).append(
                f"{_describe(rule)}: {bad} unexpected rows"
            )
    return _summarise(suite, failures)


@contextmanager
def quiet_gx() -> Iterator[None]:
    """GX logs and warns at INFO level about every batch; the run log should show verdicts."""
    logger = logging.getLogger("great_expectations")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


class GxRunner:
    """One ephemeral GX context per run, its Data Docs written to ``docs_dir``."""

    def __init__(self, docs_dir: Path) -> None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        config = DataContextConfig(
            analytics_enabled=False,  # no network at run time
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            data_docs_sites={
                DOCS_SITE: {
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                }
            },
        )
        self.docs_dir = docs_dir
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("warehouse")

    def outcomes(self, con: duckdb.DuckDBPyConnection, suite: TableSuite) -> list[CheckOutcome]:
        where = f"where {suite.where}" if suite.where else ""
        frame = con.execute(
            f"select {', '.join(suite.needed_columns)} from {suite.relation} {where}"
        ).df()
        batch = self.source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe(
            "all"
        )
        expectations = gx.ExpectationSuite(name=suite.name)
        for rule in suite.rules:
            expectations.add_expectation(rule.expectation.copy(deep=True))
        expectations = self.context.suites.add(expectations)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=expectations)
        )
        # Stored in the context's in-memory results store, rendered once by build_docs().
        validation = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        # GX orders results by the metrics it computes, not as the suite lists them.
        rule_by_id = {
            e.id: rule for e, rule in zip(expectations.expectations, suite.rules, strict=True)
        }
        failures: dict[str, list[str]] = {}
        for outcome in validation.results:
            rule = rule_by_id[outcome.expectation_config.id]
            if not outcome.success:
                count = outcome.result.get("unexpected_count")
                failures.setdefault(suite.check_prefix + rule.check, []).append(
                    f"{_describe(rule)}: {count} unexpected rows"
                )
        return _summarise(suite, failures)

    def build_docs(self) -> Path:
        """Render this run's validation results as static HTML (no network needed to read)."""
        with quiet_gx():
            self.context.build_data_docs(site_names=[DOCS_SITE])
        make_offline(self.docs_dir)
        return self.docs_dir / "index.html"


def run_suite(
    con: duckdb.DuckDBPyConnection, suite: TableSuite, gx_runner: GxRunner, gx_max_rows: int
) -> list[CheckOutcome]:
    """The suite's outcomes; GX on pandas up to gx_max_rows rows, DuckDB SQL beyond."""
    started = time.perf_counter()
    outcomes = [] if suite.where else [schema_outcome(con, suite)]
    if outcomes and not outcomes[0].passed:
        # A missing column would make every rule fail for the wrong reason.
        outcomes += [
            CheckOutcome(o.asset, o.check_name, o.severity, False, "not run: schema broken")
            for o in _summarise(suite, {})
        ]
    else:
        rows = con.execute(f"select count(*) from {suite.relation}").fetchone()[0]
        with quiet_gx():
            outcomes += (
                gx_runner.outcomes(con, suite) if rows <= gx_max_rows else sql_outcomes(con, suite)
            )
    seconds = (time.perf_counter() - started) / len(outcomes)
    return [
        CheckOutcome(o.asset, o.check_name, o.severity, o.passed, o.observed_value, seconds)
        for o in outcomes
    ]
