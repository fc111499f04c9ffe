"""Calibrate the demo data against the published March 2019 figures, through the pipeline.

Generates a landing folder with `iom demo-data`, runs the nightly job on it into a scratch
IOM_DATA_DIR (`iom run`), and prints the published marts' Figure A (marts.scorecard) and
Figure B (cohort_monthly and release_forecast, via the CLI's own Figure B loader) beside
the figures of the published appendix. The figures come from the warehouse, not from a
second implementation of the metrics; this script only lays them out.

    .venv/bin/python scripts/calibrate_demo.py                       # the default demo
    .venv/bin/python scripts/calibrate_demo.py --iom-effect 1.0,0.5  # one column each
    .venv/bin/python scripts/calibrate_demo.py --seed 34 --population 2000

It is a development tool, outside the installed package (docs/demo-data.md, "Calibration").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dagster_project.demo.generator import (  # noqa: E402
    DEFAULT_IOM_EFFECT,
    DEFAULT_POPULATION,
    DEFAULT_SEED,
)
from dagster_project.presentation.figure_b import load_figure_b  # noqa: E402

# Figure A of the March 2019 appendix (domain.md): (section, metric, breakdown) -> value.
FIGURE_A = {
    ("Process", "unique_nominals", "all"): "484",
    ("Process", "on_iom_nominals", "all"): "282",
    ("Process", "exited_nominals", "all"): "229",
    ("Process", "successful_exit_pct", "all"): "44.8",
    ("Recidivism", "reentered_nominals", "all"): "26",
    ("Recidivism", "reentered_pct", "all"): "5.2",
    ("Entry", "mean_entry_score", "all"): "340.5",
    ("Entry", "mode_entry_band", "all"): "0-100",
    ("Mid", "cohort_size", "2016"): "133",
    ("Mid", "cohort_size", "2017"): "156",
    ("Mid", "cohort_size", "2018"): "179",
    ("Mid", "cohort_mean_entry_score", "2016"): "347",
    ("Mid", "cohort_mean_entry_score", "2017"): "381",
    ("Mid", "cohort_mean_entry_score", "2018"): "265",
    ("Mid", "cohort_mean_mid_score", "2016"): "149.8",
    ("Mid", "cohort_mean_mid_score", "2017"): "175.5",
    ("Mid", "cohort_mean_mid_score", "2018"): "173.7",
    ("Mid", "cohort_mid_variance_pct", "2016"): "-56.8",
    ("Mid", "cohort_mid_variance_pct", "2017"): "-53.9",
    ("Mid", "cohort_mid_variance_pct", "2018"): "-34.4",
    ("Mid", "cohort_mode_mid_band", "2016"): "0-100",
    ("Exit", "mean_exit_score", "all"): "85.8",
    ("Exit", "exit_variance_pct", "all"): "-74.8",
    ("Exit", "mode_exit_band", "all"): "0-100",
    ("Reduction", "mean_reduction", "all"): "-229.7",
    ("Reduction", "mean_reduction_rate", "all"): "-24.4",
    ("DV", "dv_nominals", "all"): "49",
    ("DV", "dv_washout_nominals", "all"): "17",
    ("DV", "dv_ppit_reduction_pct", "all"): "-42",
}
# Figure B, SEP .. MAR (domain.md); None where the appendix has no figure.
FIGURE_B = {
    "live GENERIC": [240, 237, 235, 222, 223, 228, 222],
    "live DV": [44, 48, 51, 59, 54, 45, 43],
    "in custody GENERIC": [130, 131, 122, 116, 119, 139, 109],
    "in custody DV": [18, 20, 19, 21, 21, 20, 21],
    "  ... releasing to City": [None, None, None, 97, 94, 91, 91],
    "  ... releasing to County North": [None, None, None, 40, 46, 48, 39],
    "due in next 3 months, GENERIC": [31, 25, 16, 20, 30, 49, 43],
    "due in next 3 months, DV": [3, 5, 2, 3, 8, 11, 13],
    "live watchlist": [180, 183, 186, 198, 185, 189, 191],
}


def _cli(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        check=True,
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )


def run_demo(scratch: Path, seed: int, nominals: int, population: int, effect: float) -> Path:
    """Generate and run; returns the published analytics.duckdb."""
    landing, data = scratch / "landing", scratch / "data"
    env = {**os.environ, "IOM_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
    env.pop("IOM_LANDING_DIR", None)
    _cli(
        "demo-data",
        "--out",
        str(landing),
        "--seed",
        str(seed),
        "--nominals",
        str(nominals),
        "--population",
        str(population),
        "--iom-effect",
        str(effect),
        env=env,
    )
    _cli("run", "--landing", str(landing), env=env)
    return data / "analytics.duckdb"


def figure_a(analytics: Path) -> dict[tuple[str, str, str], str]:
    con = duckdb.connect(str(analytics), read_only=True)
    try:
        rows = con.execute(
            "select section, metric, breakdown, value, value_label from marts.scorecard"
        ).fetchall()
    finally:
        con.close()
    return {
        (s, m, b): label if label is not None else ("" if v is None else f"{v:.1f}")
        for s, m, b, v, label in rows
    }


def figure_b(analytics: Path) -> dict[str, list]:
    return dict(load_figure_b(analytics, months=7).rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--nominals", type=int, default=484)
    parser.add_argument("--population", type=int, default=DEFAULT_POPULATION)
    parser.add_argument(
        "--iom-effect",
        default=str(DEFAULT_IOM_EFFECT),
        help="one factor, or several separated by commas (one column each)",
    )
    args = parser.parse_args(argv)
    effects = [float(x) for x in args.iom_effect.split(",")]
    cards, cohorts = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for n, effect in enumerate(effects):
            analytics = run_demo(
                Path(scratch) / str(n), args.seed, args.nominals, args.population, effect
            )
            cards.append(figure_a(analytics))
            cohorts.append(figure_b(analytics))
    heads = " | ".join(f"iom_effect {e}" for e in effects)
    print(f"Figure A, seed {args.seed}, population {args.population:,}\n")
    print(f"| figure | {heads} | published |")
    print("|---|" + "---|" * len(effects) + "---|")
    for key, published in FIGURE_A.items():
        ours = " | ".join(card.get(key, "-") for card in cards)
        print(f"| {' '.join(key)} | {ours} | {published} |")
    print("\nFigure B, SEP .. MAR (demo / published)\n")
    for label, published in FIGURE_B.items():
        for effect, cohort in zip(effects, cohorts, strict=True):
            cells = " ".join(
                f"{d}/{'-' if p is None else p}"
                for d, p in zip(cohort[label], published, strict=True)
            )
            print(f"{label.strip():32} [{effect}] {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
