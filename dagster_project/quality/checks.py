"""The quality checks as Dagster asset checks: blocking on errors, recorded in the warehouse."""

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.ingest.contract import feeds
from dagster_project.publish.versions import current_version_id, list_versions
from dagster_project.quality.results import CheckOutcome, record
from dagster_project.quality.suites import ERROR, WARN, table_suites
from dagster_project.quality.validate import GxRunner, run_suite
from dagster_project.resources import LandingResource, RunSettingsResource, WarehouseResource
from dagster_project.transform.dbt_files import COHORT_COLUMNS
from dagster_project.transform.dbt_vars import selection_threshold

QUALITY_DIR = "quality"


class QualityResource(dg.ConfigurableResource):
    """Thresholds of the quality checks."""

    # Above this many rows a table's expectations run as DuckDB SQL instead of GX on pandas.
    gx_max_rows: int = 200_000
    # A feed losing more than this share of its rows since the last run raises a warning.
    max_row_drop_share: float = 0.2


@dataclass(frozen=True)
class SqlCheck:
    """A check computed in SQL: ``sql`` returns (passed, observed value)."""

    asset: tuple[str, ...]
    name: str
    description: str
    sql: str
    needs: tuple[tuple[str, ...], ...]
    severity: str = ERROR


def _schemes_add_up_sql() -> str:
    sums = ",\n".join(
        f"sum({c}) filter (where scheme = 'ALL') as all_{c}, "
        f"sum({c}) filter (where scheme <> 'ALL') as parts_{c}"
        for c in COHORT_COLUMNS
    )
    mismatch = " or ".join(f"all_{c} is distinct from parts_{c}" for c in COHORT_COLUMNS)
    return f"""
        with by_month as (
            select month_end, {sums}
            from marts.cohort_monthly
            where area = 'ALL'
            group by month_end
        ),
        mismatched as (select month_end from by_month where {mismatch})
        select count(*) = 0, count(*) || ' month ends where ALL <> GENERIC + DV'
        from mismatched
        """


def _areas_add_up_sql() -> str:
    sums = ",\n".join(
        f"sum({c}) filter (where area = 'ALL') as all_{c}, "
        f"sum({c}) filter (where area <> 'ALL') as parts_{c}"
        for c in COHORT_COLUMNS
    )
    mismatch = " or ".join(f"all_{c} is distinct from parts_{c}" for c in COHORT_COLUMNS)
    return f"""
        with by_month as (
            select month_end, scheme, {sums}
            from marts.cohort_monthly
            group by month_end, scheme
        ),
        mismatched as (select month_end from by_month where {mismatch})
        select count(*) = 0, count(*) || ' month ends x schemes where ALL <> the sum of the areas'
        from mismatched
        """


RECONCILIATIONS = (
    SqlCheck(
        ("marts", "scorecard"),
        "unique_nominals_reconcile",
        "Scorecard unique_nominals equals the distinct nominals of nominal_scores.",
        """
        with scorecard as (
            select max(value) as value from marts.scorecard
            where metric = 'unique_nominals' and breakdown = 'all'
        ),
        scores as (select count(distinct nominal_key) as nominals from marts.nominal_scores)
        select scorecard.value is not distinct from scores.nominals,
            'scorecard ' || coalesce(scorecard.value::varchar, 'missing')
            || ', nominal_scores ' || scores.nominals
        from scorecard, scores
        """,
        (("marts", "scorecard"), ("marts", "nominal_scores")),
    ),
    SqlCheck(
        ("marts", "cohort_monthly"),
        "schemes_add_up",
        "Every month: ALL equals GENERIC + DV in every count column.",
        _schemes_add_up_sql(),
        (("marts", "cohort_monthly"),),
    ),
    SqlCheck(
        ("marts", "cohort_monthly"),
        "areas_add_up",
        "Every month and scheme: area ALL equals the sum of the three areas in every count "
        "(a nominal's area is that of their one open spell).",
        _areas_add_up_sql(),
        (("marts", "cohort_monthly"),),
    ),
    SqlCheck(
        ("marts", "monthly_scores"),
        "monthly_scores_key_unique",
        "One row per person x month end.",
        """
        with keys as (
            select count(*) as rows, count(distinct (month_end, nominal_key)) as keys
            from marts.monthly_scores
        )
        select rows = keys, (rows - keys) || ' duplicate person-months' from keys
        """,
        (("marts", "monthly_scores"),),
    ),
    SqlCheck(
        ("marts", "monthly_scores"),
        "monthly_scores_only_with_a_component",
        "Every row has C > 0 or A > 0 under the version in force or the newest version, and "
        "rrs = conviction_weight x arrest_weight.",
        """
        with bad as (
            select scores.*
            from marts.monthly_scores as scores
            left join staging.stg_monthly_rrs as lfl
                on scores.month_end = lfl.month_end and scores.nominal_key = lfl.nominal_key
            where not (
                coalesce(scores.conviction_weight, 0) > 0
                or coalesce(scores.arrest_weight, 0) > 0
                or coalesce(lfl.conviction_weight_lfl, 0) > 0
                or coalesce(lfl.arrest_weight_lfl, 0) > 0
            )
            or scores.rrs is distinct from scores.conviction_weight * scores.arrest_weight
        )
        select count(*) = 0, count(*) || ' rows without a component or with rrs <> C x A'
        from bad
        """,
        (("marts", "monthly_scores"), ("staging", "stg_monthly_rrs")),
    ),
    SqlCheck(
        ("marts", "selection_candidates"),
        "selection_key_unique",
        "One row per person.",
        """
        with keys as (
            select count(*) as rows, count(distinct nominal_key) as keys
            from marts.selection_candidates
        )
        select rows = keys, (rows - keys) || ' duplicate people' from keys
        """,
        (("marts", "selection_candidates"),),
    ),
    SqlCheck(
        ("marts", "selection_candidates"),
        "selection_ranks_1_to_n",
        "Ranks are 1..N with no ties or gaps, in the order rrs, conviction_weight, "
        "arrest_weight (desc), nominal_key.",
        """
        with ordered as (
            select
                rank,
                row_number() over (
                    order by rrs desc, conviction_weight desc, arrest_weight desc, nominal_key
                ) as expected
            from marts.selection_candidates
        )
        select count(*) filter (where rank is distinct from expected) = 0,
            count(*) filter (where rank is distinct from expected) || ' of ' || count(*)
            || ' ranks out of order'
        from ordered
        """,
        (("marts", "selection_candidates"),),
    ),
    SqlCheck(
        ("marts", "selection_candidates"),
        "selection_rrs_at_or_over_threshold",
        f"Every candidate's rrs >= selection_threshold ({selection_threshold()}).",
        f"""
        select count(*) = 0, count(*) || ' candidates below the threshold'
        from marts.selection_candidates
        where not (rrs >= {selection_threshold()})
        """,
        (("marts", "selection_candidates"),),
    ),
    SqlCheck(
        ("marts", "selection_candidates"),
        "selection_no_open_spell",
        "No candidate has a spell open at the as-of date.",
        """
        select count(*) = 0, count(*) || ' candidates with an open spell'
        from marts.selection_candidates as candidates
        inner join intermediate.int_spells as spells
            on candidates.nominal_key = spells.nominal_key and spells.is_open
        """,
        (("marts", "selection_candidates"), ("intermediate", "int_spells")),
    ),
    SqlCheck(
        ("marts", "selection_monthly"),
        "selection_monthly_entries_add_up",
        "Every month: entered_next_month + entered_below_threshold <= entries_next_month, "
        "all three empty together.",
        """
        select count(*) = 0, count(*) || ' month ends with inconsistent entry counts'
        from marts.selection_monthly
        where entered_next_month + entered_below_threshold > entries_next_month
            or (entered_next_month is null) <> (entries_next_month is null)
            or (entered_below_threshold is null) <> (entries_next_month is null)
        """,
        (("marts", "selection_monthly"),),
    ),
    SqlCheck(
        ("marts", "impact_evaluation"),
        "impact_matched_plus_unmatched_is_treated",
        "Per breakdown: matched_spells + unmatched_spells = treated_spells, and "
        "reoffending_matched_spells <= reoffending_treated_spells <= treated_spells.",
        """
        with counts as (
            select
                breakdown,
                max(value) filter (where metric = 'treated_spells') as treated,
                max(value) filter (where metric = 'matched_spells') as matched,
                max(value) filter (where metric = 'unmatched_spells') as unmatched,
                max(value) filter (where metric = 'reoffending_treated_spells') as re_treated,
                max(value) filter (where metric = 'reoffending_matched_spells') as re_matched
            from marts.impact_evaluation
            group by breakdown
        ),
        wrong as (
            select breakdown from counts
            where matched + unmatched is distinct from treated
                or not (re_matched <= re_treated and re_treated <= treated)
                or treated is null
        )
        select count(*) = 0 and (select count(distinct breakdown) from counts) = 3,
            count(*) || ' breakdowns where matched + unmatched <> treated'
        from wrong
        """,
        (("marts", "impact_evaluation"),),
    ),
    SqlCheck(
        ("marts", "impact_evaluation"),
        "impact_rates_0_to_100",
        "Every reoffending rate (unit pct) lies in 0-100.",
        """
        select count(*) = 0, count(*) || ' reoffending rates outside 0-100'
        from marts.impact_evaluation
        where metric in ('reoffending_rate_treated', 'reoffending_rate_expected')
            and not (value between 0 and 100)
        """,
        (("marts", "impact_evaluation"),),
    ),
    SqlCheck(
        ("marts", "impact_evaluation"),
        "impact_effect_is_observed_minus_expected",
        "Per breakdown: mean_effect = mean_observed_change - mean_expected_change (to 1e-6), "
        "and all three empty together.",
        """
        with means as (
            select
                breakdown,
                max(value) filter (where metric = 'mean_observed_change') as observed,
                max(value) filter (where metric = 'mean_expected_change') as expected,
                max(value) filter (where metric = 'mean_effect') as effect
            from marts.impact_evaluation
            group by breakdown
        ),
        wrong as (
            select breakdown from means
            where abs(observed - expected - effect) > 1e-6
                or (observed is null) <> (effect is null)
                or (expected is null) <> (effect is null)
        )
        select count(*) = 0, count(*) || ' breakdowns where effect <> observed - expected'
        from wrong
        """,
        (("marts", "impact_evaluation"),),
    ),
    SqlCheck(
        ("marts", "dv_outcomes"),
        "pct_sums_to_100",
        "Outcome percentages add up to 100 for every abuse type with closed cases.",
        """
        with totals as (
            select abuse_type, sum(pct) as pct
            from marts.dv_outcomes
            where total_cases > 0
            group by abuse_type
        )
        select count(*) filter (where abs(pct - 100) > 1e-6) = 0,
            coalesce(string_agg(abuse_type || ' ' || round(pct, 6), ', ')
                filter (where abs(pct - 100) > 1e-6), 'all abuse types sum to 100')
        from totals
        """,
        (("marts", "dv_outcomes"),),
    ),
)


def _result(outcome: CheckOutcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(outcome.asset.split("/")),
        check_name=outcome.check_name,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.WARN
        if outcome.severity == WARN
        else dg.AssetCheckSeverity.ERROR,
        metadata={"observed": outcome.observed_value, "seconds": round(outcome.seconds, 3)},
    )


def _record_and_report(
    context: dg.AssetCheckExecutionContext,
    con: duckdb.DuckDBPyConnection,
    outcomes: list[CheckOutcome],
) -> list[dg.AssetCheckResult]:
    """The selected outcomes recorded in quality.check_results, as Dagster's check results."""
    # A subset run (e.g. a re-check of one asset) reports only the checks it was asked for.
    selected = _selected(context)
    outcomes = [o for o in outcomes if (o.asset, o.check_name) in selected]
    record(con, context.run.run_id, outcomes)
    for outcome in outcomes:
        if not outcome.passed:
            log = context.log.error if outcome.severity == ERROR else context.log.warning
            log(f"{outcome.asset}: {outcome.check_name} failed ({outcome.observed_value})")
    return [_result(outcome) for outcome in outcomes]


def _selected(context: dg.AssetCheckExecutionContext) -> set[tuple[str, str]]:
    return {(k.asset_key.to_user_string(), k.name) for k in context.selected_asset_check_keys}


# ---- feeds: reconciliation, quarantine share, run over run ----------------------------------

FEED_CHECKS = {
    "rows_reconcile": (ERROR, "rows_in = rows_loaded + rows_quarantined for this run's load."),
    "quarantine_share": (ERROR, "Quarantined share within run_settings.max_bad_row_share."),
    "extract_date_not_older": (
        ERROR,
        "extract_date not earlier than that of the published version (a stale extract).",
    ),
    "row_count_drop": (WARN, "Rows in fell by no more than quality.max_row_drop_share."),
}


def published_extract_date(data_dir: Path) -> date | None:
    current = current_version_id(data_dir)
    for version in list_versions(data_dir):
        if version.version_id == current:
            return date.fromisoformat(version.extract_date or version.as_of)
    return None


def feed_outcomes(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    published: date | None,
    max_bad_row_share: float,
    max_row_drop_share: float,
) -> list[CheckOutcome]:
    """Checks of the feed's latest load (this run's) against the load before it."""
    loads = con.execute(
        """
        select extract_date, rows_in, rows_loaded, rows_quarantined
        from raw.feed_loads where feed = ?
        order by loaded_at desc limit 2
        """,
        [feed],
    ).fetchall()
    extract_date, rows_in, loaded, quarantined = loads[0]
    asset = f"raw/{feed}"
    share = quarantined / rows_in if rows_in else 0.0
    previous_rows = loads[1][1] if len(loads) > 1 else None
    drop = 1 - rows_in / previous_rows if previous_rows else 0.0
    return [
        CheckOutcome(
            asset,
            "rows_reconcile",
            ERROR,
            rows_in == loaded + quarantined,
            f"{rows_in} in, {loaded} loaded, {quarantined} quarantined",
        ),
        CheckOutcome(
            asset,
            "quarantine_share",
            ERROR,
            share <= max_bad_row_share,
            f"{share:.2%} quarantined (limit {max_bad_row_share:.0%})",
        ),
        CheckOutcome(
            asset,
            "extract_date_not_older",
            ERROR,
            published is None or extract_date >= published,
            f"extract {extract_date}, published {published or 'none'}",
        ),
        CheckOutcome(
            asset,
            "row_count_drop",
            WARN,
            drop <= max_row_drop_share,
            f"{rows_in} rows, last run {previous_rows if previous_rows is not None else 'none'}"
            f" ({drop:.0%} drop, limit {max_row_drop_share:.0%})",
        ),
    ]


def build_feed_checks(feed: str) -> dg.AssetChecksDefinition:
    """One check step per feed: a step over several feeds would wait for all of them, while
    feeds depend on each other (a cycle Dagster resolves by splitting steps)."""
    asset = dg.AssetKey(["raw", feed])
    specs = [
        dg.AssetCheckSpec(name, asset=asset, description=description, blocking=severity == ERROR)
        for name, (severity, description) in FEED_CHECKS.items()
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"{feed}_feed_checks",
        can_subset=True,
        description=f"Load reconciliation, quarantine and run-over-run checks of {feed}.",
    )
    def feed_checks(
        context: dg.AssetCheckExecutionContext,
        warehouse: WarehouseResource,
        run_settings: RunSettingsResource,
        quality: QualityResource,
    ) -> Iterable[dg.AssetCheckResult]:
        # One connection reads the feed and records the verdicts: opening the warehouse costs
        # more than any of these checks.
        with warehouse.connect() as con:
            outcomes = feed_outcomes(
                con,
                feed,
                published_extract_date(warehouse.root),
                run_settings.max_bad_row_share,
                quality.max_row_drop_share,
            )
            results = _record_and_report(context, con, outcomes)
        yield from results

    return feed_checks


def build_all_feed_checks() -> list[dg.AssetChecksDefinition]:
    return [build_feed_checks(feed.name) for feed in feeds()]


# ---- tables: GX suites on staging and marts; reconciliations across marts --------------------


def build_table_checks(
    assets: Sequence[dg.AssetsDefinition],
) -> dg.AssetChecksDefinition | None:
    """GX suites and reconciliations in one step, for the tables whose asset exists.

    A blocking check makes everything downstream of its table wait for it. For a table with
    dependants built before the check step (later models of the same dbt build, the scoring
    assets and the dbt stages after them) that is a cycle, which Dagster resolves by splitting
    the steps; so only the checks of tables nothing but publication depends on are blocking in
    Dagster's sense (they hold back published_marts), and the step itself fails when any
    ERROR check failed, which also stops publication.
    """
    keys = {key for a in assets for key in a.keys}
    has_dependants = {parent for a in assets for deps in a.asset_deps.values() for parent in deps}
    today = date.today()  # only the suites' shapes matter here, not their date bounds
    suites = [s for s in table_suites(today, today) if dg.AssetKey(s.asset_path) in keys]
    reconciliations = [c for c in RECONCILIATIONS if all(dg.AssetKey(n) in keys for n in c.needs)]
    specs = [
        dg.AssetCheckSpec(
            name,
            asset=dg.AssetKey(suite.asset_path),
            blocking=dg.AssetKey(suite.asset_path) not in has_dependants,
            description=f"GX suite {suite.name}: {name}.",
        )
        for suite in suites
        for name in suite.check_names()
    ] + [
        dg.AssetCheckSpec(
            c.name,
            asset=dg.AssetKey(c.asset),
            description=c.description,
            blocking=dg.AssetKey(c.asset) not in has_dependants,
            additional_deps=[dg.AssetKey(n) for n in c.needs if n != c.asset],
        )
        for c in reconciliations
    ]
    if not specs:
        return None

    @dg.multi_asset_check(
        specs=specs,
        name="table_checks",
        can_subset=True,
        description="GX suites of staging and marts; cross-mart reconciliations.",
    )
    def table_checks(
        context: dg.AssetCheckExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingResource,
        run_settings: RunSettingsResource,
        quality: QualityResource,
    ) -> Iterable[dg.AssetCheckResult]:
        as_of = run_settings.as_of_date(landing)
        extract_date = landing.manifest().extract_date
        present = {tuple(k.path) for k in keys}
        runner = GxRunner(warehouse.root / QUALITY_DIR / context.run.run_id)
        outcomes: list[CheckOutcome] = []
        with warehouse.connect(read_only=True) as con:
            for suite in table_suites(as_of, extract_date):
                if tuple(suite.asset_path) in present:
                    outcomes += run_suite(con, suite, runner, quality.gx_max_rows)
            for check in reconciliations:
                started = time.perf_counter()
                passed, observed = con.execute(check.sql).fetchone()
                outcomes.append(
                    CheckOutcome(
                        "/".join(check.asset),
                        check.name,
                        check.severity,
                        bool(passed),
                        str(observed),
                        time.perf_counter() - started,
                    )
                )
        context.log.info(f"Data Docs: {runner.build_docs()}")
        with warehouse.connect() as con:
            results = _record_and_report(context, con, outcomes)
        yield from results
        errors = [
            f"{o.asset}: {o.check_name}" for o in outcomes if not o.passed and o.severity == ERROR
        ]
        if errors:
            raise dg.Failure(
                description=f"{len(errors)} blocking quality checks failed: {'; '.join(errors)}"
            )

    return table_checks
