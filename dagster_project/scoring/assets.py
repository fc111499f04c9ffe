"""The Python assets of the scoring group: RRS for every scoring point, scorecard statistics."""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from dagster_project.resources import (
    LandingResource,
    RunLockResource,
    RunSettingsResource,
    WarehouseResource,
)
from dagster_project.scoring.frames import replace_table_from_frame
from dagster_project.scoring.impact import impact_bootstrap
from dagster_project.scoring.rrs import (
    AS_OF_RRS_TABLE,
    MONTHLY_RRS_TABLE,
    RRS_TABLE,
    compute_population_rrs,
    compute_rrs,
)
from dagster_project.scoring.statistics import PairedTest, paired_test
from dagster_project.transform.dbt_files import SCORECARD_COLUMNS

SCORING_GROUP = "scoring"
STATISTICS_TABLE = "scoring.scorecard_statistics"
SIGNIFICANCE = "Significance"
# The scorecard's columns (its dbt .yml) but as_of, which dbt adds.
STATISTICS_COLUMNS = [c for c in SCORECARD_COLUMNS if c != "as_of"]
# The types the rows are written with, for the scorecard's union with dbt's rows.
_COLUMN_TYPES = {"value": "double", "numerator": "double", "denominator": "double"}


@dg.asset(
    key=["scoring", "rrs_scores"],
    group_name=SCORING_GROUP,
    kinds={"python", "duckdb"},
    deps=[
        dg.AssetKey(["intermediate", "int_scoring_points"]),
        dg.AssetKey(["staging", "stg_convictions"]),
        dg.AssetKey(["staging", "stg_arrests"]),
        dg.AssetKey(["reference", "offence_weights"]),
    ],
    description=(
        "One row per scoring point (nominal, date): the Reoffending Risk Score under the "
        "matrix version in force and under the newest version, with its components."
    ),
)
def rrs_scores(warehouse: WarehouseResource, run_lock: RunLockResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        compute_rrs(con)
        rows, scored, quantiles = con.execute(
            f"select count(*), count(rrs), quantile_cont(rrs, [0, 0.25, 0.5, 0.75, 0.9, 1]) "
            f"from {RRS_TABLE}"
        ).fetchone()
        bands = con.execute(
            f"select cast(floor(rrs / 100) as integer) as band, count(*) from {RRS_TABLE} "
            "where rrs is not null group by band order by band"
        ).fetchall()
        versions = con.execute(
            f"select coalesce(cast(matrix_version as varchar), 'none'), count(*) "
            f"from {RRS_TABLE} group by all order by 1"
        ).fetchall()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "rows_without_matrix": rows - scored,
            "rrs_quantiles": dg.MetadataValue.json(
                dict(zip(["min", "p25", "p50", "p75", "p90", "max"], quantiles or [], strict=False))
            ),
            "band_counts": dg.MetadataValue.json(
                {f"{b * 100}-{b * 100 + 100}": n for b, n in bands}
            ),
            "rows_by_matrix_version": dg.MetadataValue.json(dict(versions)),
        }
    )


POPULATION_DEPS = [
    dg.AssetKey(["intermediate", "int_months"]),
    dg.AssetKey(["staging", "stg_convictions"]),
    dg.AssetKey(["staging", "stg_arrests"]),
    dg.AssetKey(["reference", "offence_weights"]),
]


@dg.multi_asset(
    name="population_rrs",
    group_name=SCORING_GROUP,
    specs=[
        dg.AssetSpec(
            key=["scoring", "monthly_rrs"],
            group_name=SCORING_GROUP,
            kinds={"python", "duckdb"},
            deps=POPULATION_DEPS,
            description=(
                "One row per person x month end of M (int_months) or the month end before it "
                "(a baseline of impact_evaluation) with a score component > 0 "
                "under the matrix version in force or the newest: the Reoffending Risk Score "
                "of the whole population (nominals or not), with its components."
            ),
        ),
        dg.AssetSpec(
            key=["scoring", "as_of_rrs"],
            group_name=SCORING_GROUP,
            kinds={"python", "duckdb"},
            deps=POPULATION_DEPS,
            description=(
                "One row per person with a conviction or an arrest: the Reoffending Risk "
                "Score at the as-of date (which need not be a month end), with its components "
                "and the score with every weapon uplift taken as 0 (selection)."
            ),
        ),
    ],
)
def population_rrs(
    warehouse: WarehouseResource,
    landing: LandingResource,
    run_settings: RunSettingsResource,
    run_lock: RunLockResource,
) -> Iterator[dg.MaterializeResult]:
    as_of = run_settings.as_of_date(landing)
    with warehouse.connect() as con:
        compute_population_rrs(con, as_of)
        months, people, rows = con.execute(
            f"select count(distinct month_end), count(distinct nominal_key), count(*) "
            f"from {MONTHLY_RRS_TABLE}"
        ).fetchone()
        scored, positive = con.execute(
            f"select count(*), count(*) filter (where rrs > 0) from {AS_OF_RRS_TABLE}"
        ).fetchone()
    yield dg.MaterializeResult(
        asset_key=["scoring", "monthly_rrs"],
        metadata={
            "dagster/row_count": rows,
            "month_ends": months,
            "people": people,
        },
    )
    yield dg.MaterializeResult(
        asset_key=["scoring", "as_of_rrs"],
        metadata={"dagster/row_count": scored, "as_of": as_of.isoformat(), "rrs_over_0": positive},
    )


def _rows(test: PairedTest, prefix: str, breakdown: str) -> list[dict]:
    """Scorecard rows (long format) of one paired test."""
    figures = [
        ("wilcoxon_n", test.n, "count"),
        ("wilcoxon_p", test.p_value, "p_value"),
        ("effect_r", test.effect_r, "ratio"),
        ("hl_shift", test.hl_shift, "score"),
    ]
    if prefix == "exit":
        figures += [
            ("hl_ci_low", test.hl_ci_low, "score"),
            ("hl_ci_high", test.hl_ci_high, "score"),
        ]
    return [
        {
            "section": SIGNIFICANCE,
            "metric": f"{prefix}_{name}",
            "breakdown": breakdown,
            "value": value,
            "value_label": None,
            "numerator": None,
            "denominator": None,
            "unit": unit,
        }
        for name, value, unit in figures
    ]


def statistics_rows(spells: pd.DataFrame) -> pd.DataFrame:
    """Significance rows from nominal_scores: exit vs entry overall, mid vs entry per cohort."""
    exited = spells[~spells["is_open"]].dropna(subset=["entry_score", "exit_score"])
    rows = _rows(
        paired_test(exited["entry_score"].to_numpy(), exited["exit_score"].to_numpy(), True),
        "exit",
        "all",
    )
    scored = spells.dropna(subset=["entry_score", "mid_score"])
    for year, cohort in scored.groupby("cohort_year"):
        test = paired_test(cohort["entry_score"].to_numpy(), cohort["mid_score"].to_numpy(), False)
        rows += _rows(test, "mid", str(year))
    frame = pd.DataFrame(rows, columns=STATISTICS_COLUMNS)
    return frame.astype({"value": "float64", "numerator": "float64", "denominator": "float64"})


@dg.asset(
    key=["scoring", "scorecard_statistics"],
    group_name=SCORING_GROUP,
    kinds={"python", "duckdb"},
    deps=[dg.AssetKey(["marts", "nominal_scores"])],
    description=(
        "Scorecard rows of the Significance section: paired Wilcoxon tests of exit and mid vs "
        "entry scores, rank-biserial r, Hodges-Lehmann shift with bootstrap CI."
    ),
)
def scorecard_statistics(
    warehouse: WarehouseResource, run_lock: RunLockResource
) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        spells = con.execute(
            "select is_open, cohort_year, entry_score, mid_score, exit_score "
            "from marts.nominal_scores"
        ).df()
        frame = statistics_rows(spells)
        types = {c: _COLUMN_TYPES.get(c, "varchar") for c in STATISTICS_COLUMNS}
        replace_table_from_frame(con, STATISTICS_TABLE, frame, types)
    exit_rows = frame[frame["breakdown"] == "all"].set_index("metric")["value"]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            **{
                metric: (None if pd.isna(value) else float(value))
                for metric, value in exit_rows.items()
            },
            "cohorts": dg.MetadataValue.json(sorted(frame["breakdown"].unique().tolist())),
        }
    )


scoring_assets = [rrs_scores, population_rrs, scorecard_statistics, impact_bootstrap]
