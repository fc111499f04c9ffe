"""The Great Expectations suites, kept in code: one expectation list per staged table and mart.

A suite names the columns and DuckDB types its table must have (the schema check) and a list of
rules. Each rule is a GX expectation filed under a check name (``keys_unique``, ``ranges``,
``accepted_values``); every check name becomes one Dagster asset check on the table.

A published mart's columns and types are its enforced dbt model contract (its .yml under
dbt/models/marts), which dbt checks when it builds the mart; the suite reads them from there
rather than keeping a second list (docs/decisions/dbt.md).

Required columns are not here: dbt's ``row_rules`` test checks them inside the build, so
a null stops the models downstream of it. A rule is checked once, by one engine (see
docs/decisions/quality.md); GX rules let nulls pass, as GX does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache

import great_expectations as gx

from dagster_project.ingest.contract import (
    ABUSE_TYPES,
    EXIT_REASONS,
    OUTCOMES,
    RELEASE_TYPES,
    SCHEMES,
    area_codes,
)
from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.dbt_files import read_yaml

E = gx.expectations
ERROR = "ERROR"
WARN = "WARN"
SCHEMA_CHECK = "schema"
# Band labels are "{100k}-{100k+100}" (metrics.md).
BAND_LABEL = r"^[0-9]+00-[0-9]+00$|^0-100$"
# Percentages of a share of a whole; variance and reduction percentages can be negative.
SHARE_PCT_METRICS = ("successful_exit_pct", "reentered_pct", "idva_felt_safer_pct")
SCORECARD_UNITS = ("count", "score", "pct", "band", "p_value", "ratio")


@dataclass(frozen=True)
class Rule:
    check: str
    expectation: gx.expectations.Expectation
    # The rule in an analyst's words, for the data dictionary ("0-100", "not after the ...").
    meaning: str
    severity: str = ERROR

    @property
    def columns(self) -> tuple[str, ...]:
        config = self.expectation.dict()
        if "column_list" in config:
            return tuple(config["column_list"])
        return (config["column"],)


@dataclass(frozen=True)
class TableSuite:
    """Expectations of one table; ``where`` narrows the rows a rule-set applies to."""

    name: str
    schema: str
    table: str
    columns: dict[str, str]
    rules: tuple[Rule, ...]
    where: str | None = None
    check_prefix: str = field(default="")

    @property
    def asset_path(self) -> list[str]:
        return [self.schema, self.table]

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def needed_columns(self) -> list[str]:
        return sorted({c for rule in self.rules for c in rule.columns})

    def check_names(self) -> list[str]:
        names = [] if self.where else [SCHEMA_CHECK]
        for rule in self.rules:
            name = self.check_prefix + rule.check
            if name not in names:
                names.append(name)
        return names


@cache
def _mart_contracts() -> dict[str, dict[str, str]]:
    """Column name -> DuckDB type of every contracted mart, from its dbt .yml."""
    contracts: dict[str, dict[str, str]] = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").glob("*.yml")):
        for model in read_yaml(path).get("models", []):
            if (model.get("config") or {}).get("contract", {}).get("enforced"):
                contracts[model["name"]] = {
                    column["name"]: column["data_type"].upper() for column in model["columns"]
                }
    return contracts


def contract_columns(mart: str) -> dict[str, str]:
    return dict(_mart_contracts()[mart])


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


def unique_key(*columns: str) -> Rule:
    if len(columns) == 1:
        return Rule("keys_unique", E.ExpectColumnValuesToBeUnique(column=columns[0]), "unique")
    return Rule(
        "keys_unique",
        E.ExpectCompoundColumnsToBeUnique(column_list=list(columns)),
        f"unique ({', '.join(columns)})",
    )


def in_set(column: str, values: tuple[str, ...] | list[str]) -> Rule:
    return Rule(
        "accepted_values",
        E.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)),
        f"accepted_values ({', '.join(values)})",
    )


def between(column: str, low: float, high: float | None = None) -> Rule:
    return Rule(
        "ranges",
        E.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high),
        f">= {low:g}" if high is None else f"{low:g}-{high:g}",
    )


def not_after(day: date, bound: str, *columns: str) -> list[Rule]:
    """Event dates on or before ``day``, named ``bound`` for readers (pandas reads DuckDB dates
    as timestamps)."""
    return [
        Rule(
            "ranges",
            E.ExpectColumnValuesToBeBetween(column=c, max_value=_end_of(day)),
            f"not after the {bound}",
        )
        for c in columns
    ]


def band_label(column: str) -> Rule:
    return Rule(
        "accepted_values",
        E.ExpectColumnValuesToMatchRegex(column=column, regex=BAND_LABEL),
        f"matches `{BAND_LABEL}`",
    )


def staging_suites(extract_date: date) -> list[TableSuite]:
    # Staging holds the whole extract: its events may run past an earlier as-of date, up to
    # the extract date the feed contract allows.
    areas = area_codes()
    return [
        TableSuite(
            "stg_iom_register",
            "staging",
            "stg_iom_register",
            {
                "spell_id": "VARCHAR",
                "nominal_key": "VARCHAR",
                "scheme": "VARCHAR",
                "area": "VARCHAR",
                "exit_reason": "VARCHAR",
                "entry_date": "DATE",
                "exit_date": "DATE",
            },
            (
                in_set("scheme", SCHEMES),
                in_set("area", areas),
                in_set("exit_reason", EXIT_REASONS),
                # Exits after the as-of date are allowed: they are treated as not yet happened.
                *not_after(extract_date, "extract date", "entry_date"),
            ),
        ),
        *(
            TableSuite(
                f"stg_{feed}",
                "staging",
                f"stg_{feed}",
                {
                    f"{kind}_id": "VARCHAR",
                    "nominal_key": "VARCHAR",
                    "offence_code": "VARCHAR",
                    "is_weapon_enabled": "BOOLEAN",
                    f"{kind}_date": "DATE",
                },
                (*not_after(extract_date, "extract date", f"{kind}_date"),),
            )
            for feed, kind in (("convictions", "conviction"), ("arrests", "arrest"))
        ),
        TableSuite(
            "stg_custody_episodes",
            "staging",
            "stg_custody_episodes",
            {
                "custody_id": "VARCHAR",
                "nominal_key": "VARCHAR",
                "sentence_days": "INTEGER",
                "release_area": "VARCHAR",
                "release_type": "VARCHAR",
                "custody_start_date": "DATE",
                "earliest_release_date": "DATE",
                "actual_release_date": "DATE",
            },
            (
                between("sentence_days", 1),
                in_set("release_area", areas),
                in_set("release_type", RELEASE_TYPES),
                *not_after(extract_date, "extract date", "custody_start_date"),
            ),
        ),
        TableSuite(
            "stg_ppit_assessments",
            "staging",
            "stg_ppit_assessments",
            {
                "assessment_id": "VARCHAR",
                "nominal_key": "VARCHAR",
                "ppit_score": "INTEGER",
                "assessment_date": "DATE",
            },
            (
                between("ppit_score", 0, 100),
                *not_after(extract_date, "extract date", "assessment_date"),
            ),
        ),
        TableSuite(
            "stg_idva_cases",
            "staging",
            "stg_idva_cases",
            {
                "case_key": "VARCHAR",
                "nominal_key": "VARCHAR",
                "felt_safer": "VARCHAR",
                "referral_date": "DATE",
                "closure_date": "DATE",
            },
            (
                in_set("felt_safer", ("Y", "N")),
                *not_after(extract_date, "extract date", "referral_date"),
            ),
        ),
        TableSuite(
            "stg_idva_outcomes",
            "staging",
            "stg_idva_outcomes",
            {"case_key": "VARCHAR", "abuse_type": "VARCHAR", "outcome": "VARCHAR"},
            (
                in_set("abuse_type", ABUSE_TYPES),
                in_set("outcome", OUTCOMES),
            ),
        ),
    ]


def mart_suites(as_of: date) -> list[TableSuite]:
    """The marts of metrics.md, written against its column contract."""
    scores = ("entry_score", "mid_score", "exit_score", "latest_score")
    areas = area_codes()
    return [
        TableSuite(
            "nominal_scores",
            "marts",
            "nominal_scores",
            contract_columns("nominal_scores"),
            (
                unique_key("spell_id"),
                *(
                    between(c, 0)
                    for c in (*scores, "entry_score_lfl", "exit_score_lfl", "days_at_liberty")
                ),
                between("months_on_iom", 0),
                in_set("scheme", SCHEMES),
                in_set("area", areas),
                *(band_label(c) for c in ("entry_band", "mid_band", "exit_band")),
                *not_after(as_of, "as-of date", "entry_date", "mid_date"),
            ),
        ),
        TableSuite(
            "scorecard",
            "marts",
            "scorecard",
            contract_columns("scorecard"),
            (
                unique_key("section", "metric", "breakdown"),
                in_set("unit", SCORECARD_UNITS),
            ),
        ),
        TableSuite(
            "scorecard_shares",
            "marts",
            "scorecard",
            {},
            (between("value", 0, 100),),
            where=f"metric in ({', '.join(repr(m) for m in SHARE_PCT_METRICS)})",
            check_prefix="share_pct_",
        ),
        TableSuite(
            "cohort_monthly",
            "marts",
            "cohort_monthly",
            contract_columns("cohort_monthly"),
            (
                unique_key("month_end", "scheme", "area"),
                in_set("scheme", (*SCHEMES, "ALL")),
                in_set("area", (*area_codes(), "ALL")),
                *(
                    between(c, 0)
                    for c in ("live_cohort", "in_custody", "watchlist", "live_plus_watchlist")
                ),
                # The last month end may be the end of the as-of month.
                *not_after(
                    date(as_of.year + (as_of.month == 12), as_of.month % 12 + 1, 1),
                    "end of the as-of month",
                    "month_end",
                ),
            ),
        ),
        TableSuite(
            "release_forecast",
            "marts",
            "release_forecast",
            contract_columns("release_forecast"),
            (
                unique_key("window_start", "scheme", "release_area"),
                in_set("scheme", (*SCHEMES, "ALL")),
                in_set("release_area", (*areas, "ALL")),
                between("due_releases", 0),
                between("actual_releases", 0),
                *not_after(as_of, "as-of date", "window_start"),
            ),
        ),
        *dv_outcome_suites(),
    ]


def dv_outcome_suites() -> list[TableSuite]:
    """dv_outcomes (true counts) and dv_outcomes_publishable (suppressed cells are empty)."""
    rules = (
        unique_key("abuse_type", "outcome"),
        in_set("abuse_type", ABUSE_TYPES),
        in_set("outcome", OUTCOMES),
        between("cases", 0),
        between("pct", 0, 100),
        between("cessation_or_significant_pct", 0, 100),
    )
    return [
        TableSuite(
            "dv_outcomes",
            "marts",
            "dv_outcomes",
            contract_columns("dv_outcomes"),
            rules,
        ),
        TableSuite(
            "dv_outcomes_publishable",
            "marts",
            "dv_outcomes_publishable",
            contract_columns("dv_outcomes_publishable"),
            rules,
        ),
    ]


def table_suites(as_of: date, extract_date: date) -> list[TableSuite]:
    return [*staging_suites(extract_date), *mart_suites(as_of)]
