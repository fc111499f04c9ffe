"""Benchmark: the nightly run at several scales of demo data, against hand-written baselines.

For each scale the demo generator writes a landing folder, then a fresh Python process runs the
nightly job exactly as `iom run` does (so peak memory is that run's alone). The child reads
the run's Dagster event log for per-step wall times and dbt's per-node durations; the parent
prints a table and the baseline ratios, and saves everything as JSON under
benchmarks/results/.

    python benchmarks/run.py                  # 500, 5,000, 50,000 nominals; 20,000 people
    python benchmarks/run.py --scales 500,5000:100000 --no-save   # NOMINALS[:PEOPLE]
    python benchmarks/run.py --huge           # adds 500 nominals in 1,500,000 people
    python benchmarks/run.py --scales 500 --against 9fd1c11   # that commit, then this tree
    python benchmarks/run.py --scales 500 --against 9fd1c11 --pairs 3   # median of 3 pairs
    python benchmarks/run.py --engines duckdb,spark     # each scale on both engines, side by side

A scale is a number of nominals and a population around them (people with no IOM spell,
the demo generator's --population; 20,000 unless given).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
# Run as a script (`make bench`): measure this checkout's package, not whatever is installed.
sys.path.insert(0, str(REPO_ROOT))

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
RRS_BASELINE_SQL = REPO_ROOT / "benchmarks" / "rrs_baseline.sql"
MONTHLY_RRS_BASELINE_SQL = REPO_ROOT / "benchmarks" / "monthly_rrs_baseline.sql"
DEFAULT_PEOPLE = 20_000
DEFAULT_SCALES = ((500, DEFAULT_PEOPLE), (5_000, DEFAULT_PEOPLE), (50_000, DEFAULT_PEOPLE))
# National-like: at least a million people and 30 million arrests and convictions.
HUGE_SCALE = (500, 1_500_000)
# The scoring steps, by the key of their asset.
RRS_STEP_MARK = "rrs_scores"
POPULATION_RRS_STEP_MARK = "population_rrs"
IMPACT_STEP_MARK = "impact_bootstrap"
# Published marts whose row counts the table shows.
COUNTED_MARTS = ("monthly_scores", "selection_candidates", "impact_evaluation")
TARGETS = {
    "rrs_vs_sql": 1.5,
    "growth_50k_5k": 12.0,
    "check_share": 0.20,
    "against": 0.5,
    "huge_wall_s": 600.0,
    "huge_peak_gib": 8.0,
}


# --- Child: one run, measured from inside -------------------------------------------------


def _events(instance: Any, run_id: str) -> dict[str, Any]:
    """Per-step wall times, dbt node durations and check durations from the event log."""
    from dagster import DagsterEventType

    starts: dict[str, float] = {}
    steps: dict[str, float] = {}
    dbt_models: dict[str, float] = {}
    dbt_tests: dict[str, float] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        kind = event.event_type
        if kind == DagsterEventType.STEP_START:
            starts[event.step_key] = record.timestamp
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            # A subset of a multi-asset can run as several steps: keep them apart.
            steps[event.step_key] = record.timestamp - starts[event.step_key]
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            duration = _duration(materialization.metadata)
            if duration is not None:
                dbt_models[materialization.asset_key.to_user_string()] = duration
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            duration = _duration(evaluation.metadata)
            if duration is not None:
                name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                dbt_tests[name] = duration
    return {"steps": steps, "dbt_models": dbt_models, "dbt_tests": dbt_tests}


def _duration(metadata: Any) -> float | None:
    """dagster-dbt attaches dbt's own node timing as 'Execution Duration'."""
    value = metadata.get("Execution Duration")
    return None if value is None else float(getattr(value, "value", value))


def _baseline_seconds(warehouse: Path, baseline: Path) -> float | None:
    """A hand-written DuckDB query of a score's definition, run on the same warehouse."""
    if not baseline.is_file():
        return None
    import duckdb

    sql = baseline.read_text().strip().rstrip(";")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        # Materialised like the asset's table, so DuckDB cannot skip unread columns.
        start = time.perf_counter()
        con.execute(f"create temp table rrs_baseline as {sql}")
        return time.perf_counter() - start
    finally:
        con.close()


def _published(analytics: Path) -> dict[str, Any]:
    """Rows of the population marts and the headline impact figures, as published."""
    import duckdb

    con = duckdb.connect(str(analytics), read_only=True)
    try:
        rows = {
            mart: con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            for mart in COUNTED_MARTS
        }
        impact = dict(
            con.execute(
                "select metric, value from marts.impact_evaluation "
                "where breakdown = 'all' and metric in "
                "('treated_spells', 'matched_spells', 'mean_observed_change', 'rtm_share_pct', "
                "'mean_expected_change', 'mean_effect', 'effect_ci_low', 'effect_ci_high')"
            ).fetchall()
        )
    finally:
        con.close()
    return {"mart_rows": rows, "impact_all": impact}


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child(landing: Path, data_dir: Path, out: Path) -> int:
    started = time.perf_counter()
    from dagster_project.ops.instance import instance_for
    from dagster_project.ops.runner import run_pipeline

    imported = time.perf_counter()
    instance = instance_for(data_dir)
    outcome = run_pipeline(data_dir, landing_dir=landing, instance=instance)
    finished = time.perf_counter()
    measured = {
        "success": outcome.success,
        "failures": outcome.failures,
        "startup_s": imported - started,
        "run_s": finished - imported,
        "total_s": finished - started,
        **_events(instance, outcome.run_id),
        "rrs_baseline_s": _baseline_seconds(data_dir / "warehouse.duckdb", RRS_BASELINE_SQL),
        "population_rrs_baseline_s": _baseline_seconds(
            data_dir / "warehouse.duckdb", MONTHLY_RRS_BASELINE_SQL
        ),
        **_published(data_dir / "analytics.duckdb"),
        # ru_maxrss is in KiB on Linux: the Dagster process itself (ingestion, Python assets).
        # Its children's figure is useless (exec carries the parent's high-water mark over);
        # the parent samples the whole tree instead.
        "rss_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_self_s": _cpu_s(resource.RUSAGE_SELF),
        "cpu_dbt_s": _cpu_s(resource.RUSAGE_CHILDREN),
    }
    out.write_text(json.dumps(measured, indent=2))
    return 0 if outcome.success else 1


# --- Parent: scales, table, ratios, results --------------------------------------------------


@dataclass
class ScaleResult:
    nominals: int
    people: int
    input_rows: int
    generate_s: float
    load_before: float
    peak_rss_mib: float
    peak_tree_rss_mib: float
    cpu_s: float
    measured: dict[str, Any]
    # IOM_ENGINE of the run (docs/scale-out.md).
    engine: str = "duckdb"

    @property
    def total_s(self) -> float:
        return self.measured["total_s"]

    @property
    def steps(self) -> dict[str, float]:
        return self.measured["steps"]

    @property
    def label(self) -> str:
        return f"{self.nominals:,} nominals, {self.people:,} people"

    @property
    def key(self) -> str:
        return f"{self.nominals}:{self.people}"

    def step_s(self, mark: str) -> float | None:
        found = [s for k, s in self.steps.items() if mark in k.lower()]
        return sum(found) if found else None

    def rrs_step_s(self) -> float | None:
        return self.step_s(RRS_STEP_MARK)

    def check_s(self) -> float:
        """dbt tests (inside the dbt steps) plus steps that only run asset checks."""
        check_steps = sum(s for k, s in self.steps.items() if "check" in k.lower())
        return sum(self.measured["dbt_tests"].values()) + check_steps

    def dbt_work_s(self) -> float:
        return sum(self.measured["dbt_models"].values()) + sum(self.measured["dbt_tests"].values())

    def dbt_step_s(self) -> float:
        return sum(s for k, s in self.steps.items() if _is_dbt_step(k))

    def python_work_s(self) -> float:
        return sum(s for k, s in self.steps.items() if not _is_dbt_step(k))

    def as_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "nominals": self.nominals,
            "people": self.people,
            "input_rows": self.input_rows,
            "generate_s": round(self.generate_s, 3),
            "load_average_before": self.load_before,
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "peak_tree_rss_mib": round(self.peak_tree_rss_mib, 1),
            "cpu_s": round(self.cpu_s, 1),
            "rows_per_s": round(self.input_rows / self.total_s),
            **self.measured,
        }


def _is_dbt_step(step_key: str) -> bool:
    return "dbt" in step_key.lower()


def _tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc (no psutil)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process tree: the Dagster process and dbt together."""

    def __init__(self, pid: int, every_s: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every_s):
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(p) for p in _tree(self.pid)))


def run_scale(
    scale: tuple[int, int],
    work: Path,
    tree: Path = REPO_ROOT,
    label: str = "",
    engine: str = "duckdb",
) -> ScaleResult:
    """One run at one scale, by the code in `tree` (this checkout, or the --against commit's).

    engine: the child's IOM_ENGINE; a spark run gets its own data dir beside DuckDB's.
    """
    if engine != "duckdb":
        label = f"{label}-{engine}"
    from dagster_project.demo.generator import generate_landing

    nominals, people = scale
    name = f"{nominals}-{people}"
    landing, data_dir = work / f"landing-{name}", work / f"data-{name}{label}"
    start = time.perf_counter()
    # The same landing folder for both sides of a side-by-side run.
    if not (landing / "_manifest.json").is_file():
        generate_landing(landing, nominals=nominals, population=people)
    generate_s = time.perf_counter() - start
    manifest = json.loads((landing / "_manifest.json").read_text())
    out = work / f"measured-{name}{label}.json"
    log = work / f"run-{name}{label}.log"
    load_before = os.getloadavg()[0]
    with log.open("w") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                str(tree / "benchmarks" / "run.py"),
                "--child",
                str(landing),
                str(data_dir),
                str(out),
            ],
            cwd=tree,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "DAGSTER_HOME": str(data_dir / "dagster_home"),
                "PYTHONPATH": str(tree),
                "IOM_ENGINE": engine,
            },
        )
        memory = TreeMemory(process.pid)
        memory.start()
        # wait4: this child's own rusage; its maxrss is the largest process in its tree.
        _, status, usage = os.wait4(process.pid, 0)
        memory.done.set()
        memory.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    if not out.is_file():
        sys.exit(
            f"the run at {nominals} nominals crashed; see the tail of {log}:\n"
            + "\n".join(log.read_text().splitlines()[-30:])
        )
    measured = json.loads(out.read_text())
    if not measured["success"]:
        sys.exit(f"the run at {nominals} nominals failed: {measured['failures']}")
    return ScaleResult(
        nominals=nominals,
        people=people,
        input_rows=sum(entry["rows"] for entry in manifest["files"].values()),
        generate_s=generate_s,
        load_before=load_before,
        peak_rss_mib=usage.ru_maxrss / 1024,
        peak_tree_rss_mib=memory.peak_kib / 1024,
        # User plus system time of the whole process tree: steadier than wall time on a
        # machine shared with other work.
        cpu_s=usage.ru_utime + usage.ru_stime,
        measured=measured,
        engine=engine,
    )


def _cell(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def format_engines(results: list[ScaleResult]) -> str:
    """Each scale on each engine, side by side: where the time goes, in wall seconds."""
    header = ["seconds (wall)", *(f"{r.label}, {r.engine}" for r in results)]

    def steps_s(r: ScaleResult, wanted: Any) -> float:
        return sum(s for k, s in r.steps.items() if wanted(k.lower()))

    rows = [
        ["input rows", *(f"{r.input_rows:,}" for r in results)],
        ["start-up (import, defs)", *(_cell(r.measured["startup_s"]) for r in results)],
        [
            "ingest (feed steps)",
            *(_cell(steps_s(r, lambda k: k.startswith("raw"))) for r in results),
        ],
        ["dbt steps (build + tests)", *(_cell(r.dbt_step_s()) for r in results)],
        [
            "scoring steps (Python)",
            *(_cell(steps_s(r, lambda k: k.startswith("scoring") or "rrs" in k)) for r in results),
        ],
        ["checks steps", *(_cell(steps_s(r, lambda k: "check" in k)) for r in results)],
        ["publish", *(_cell(steps_s(r, lambda k: "published" in k)) for r in results)],
        ["TOTAL wall", *(_cell(r.total_s) for r in results)],
        ["CPU (user + system, all processes)", *(_cell(r.cpu_s) for r in results)],
        [
            "peak RSS, all processes (MiB)",
            *(_cell(r.peak_tree_rss_mib, "{:.0f}") for r in results),
        ],
        ["rows per second", *(f"{r.input_rows / r.total_s:,.0f}" for r in results)],
        ["load average before", *(f"{r.load_before:.2f}" for r in results)],
    ]
    return _aligned(header, rows)


def _aligned(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table: labels left, figures right, a rule under the header."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_table(results: list[ScaleResult]) -> str:
    step_keys = list(dict.fromkeys(k for r in results for k in r.steps))
    model_keys = list(dict.fromkeys(k for r in results for k in r.measured["dbt_models"]))
    header = ["seconds (wall)", *(r.label for r in results)]
    rows: list[list[str]] = [["input rows", *(f"{r.input_rows:,}" for r in results)]]
    for mart in COUNTED_MARTS:
        # An --against commit older than the population marts counts none.
        counts = (r.measured.get("mart_rows", {}).get(mart) for r in results)
        rows.append([f"{mart} rows", *("n/a" if n is None else f"{n:,}" for n in counts)])
    rows.append(["start-up (import, defs)", *(_cell(r.measured["startup_s"]) for r in results)])
    for key in step_keys:
        rows.append([f"step {key}", *(_cell(r.steps.get(key)) for r in results)])
    for key in model_keys:
        rows.append([f"  dbt {key}", *(_cell(r.measured["dbt_models"].get(key)) for r in results)])
    rows.append(
        ["  dbt tests (sum)", *(_cell(sum(r.measured["dbt_tests"].values())) for r in results)]
    )
    rows.append(["TOTAL wall", *(_cell(r.total_s) for r in results)])
    rows.append(["CPU (user + system, all processes)", *(_cell(r.cpu_s) for r in results)])
    rows.append(["  Dagster process", *(_cell(r.measured["cpu_self_s"]) for r in results)])
    rows.append(["  dbt processes", *(_cell(r.measured["cpu_dbt_s"]) for r in results)])
    rows.append(
        ["peak RSS, all processes (MiB)", *(_cell(r.peak_tree_rss_mib, "{:.0f}") for r in results)]
    )
    rows.append(
        ["peak RSS, largest process (MiB)", *(_cell(r.peak_rss_mib, "{:.0f}") for r in results)]
    )
    rows.append(
        ["  Dagster process (MiB)", *(_cell(r.measured["rss_self_mib"], "{:.0f}") for r in results)]
    )
    rows.append(["rows per second", *(f"{r.input_rows / r.total_s:,.0f}" for r in results)])
    rows.append(["load average before", *(f"{r.load_before:.2f}" for r in results)])
    return _aligned(header, rows)


def ratios(results: list[ScaleResult]) -> dict[str, Any]:
    """The baselines, per scale where they are per scale."""
    per_scale = {}
    for r in results:
        rrs, baseline = r.rrs_step_s(), r.measured["rrs_baseline_s"]
        population, population_baseline = (
            r.step_s(POPULATION_RRS_STEP_MARK),
            r.measured.get("population_rrs_baseline_s"),
        )
        run = r.measured["run_s"]
        work = r.dbt_work_s() + r.python_work_s()
        impact_models = sum(s for k, s in r.measured["dbt_models"].items() if "impact" in k.lower())
        per_scale[r.key] = {
            "rrs_asset_s": rrs,
            "rrs_baseline_sql_s": baseline,
            "rrs_vs_sql": rrs / baseline if rrs is not None and baseline else None,
            "population_rrs_asset_s": population,
            "population_rrs_baseline_sql_s": population_baseline,
            "population_rrs_vs_sql": (
                population / population_baseline
                if population is not None and population_baseline
                else None
            ),
            "impact_dbt_models_s": impact_models,
            "impact_bootstrap_s": r.step_s(IMPACT_STEP_MARK),
            "impact_all": r.measured.get("impact_all"),
            "peak_tree_gib": r.peak_tree_rss_mib / 1024,
            "dbt_work_s": r.dbt_work_s(),
            "dbt_startup_s": r.dbt_step_s() - r.dbt_work_s(),
            "dbt_startup_share": (r.dbt_step_s() - r.dbt_work_s()) / run,
            "python_work_s": r.python_work_s(),
            "orchestration_overhead_s": run - work,
            "orchestration_overhead_share": (run - work) / run,
            "check_s": r.check_s(),
            "check_share": r.check_s() / r.total_s,
        }
    by_scale = {(r.nominals, r.people): r.total_s for r in results}
    nominal_pair = {(5_000, DEFAULT_PEOPLE), (50_000, DEFAULT_PEOPLE)}
    growth = (
        by_scale[50_000, DEFAULT_PEOPLE] / by_scale[5_000, DEFAULT_PEOPLE]
        if nominal_pair <= by_scale.keys()
        else None
    )
    # t(most people) / t(fewest) at the same number of nominals (the population's growth).
    people_growth = None
    for nominals in {n for n, _ in by_scale}:
        sizes = sorted(p for n, p in by_scale if n == nominals)
        if len(sizes) > 1:
            people_growth = {
                "nominals": nominals,
                "people": [sizes[0], sizes[-1]],
                "ratio": by_scale[nominals, sizes[-1]] / by_scale[nominals, sizes[0]],
            }
    return {
        "per_scale": per_scale,
        "growth_50k_5k": growth,
        "growth_people": people_growth,
        "targets": TARGETS,
    }


def format_ratios(found: dict[str, Any]) -> str:
    lines = ["", "Baselines (target in brackets)"]
    for scale, r in found["per_scale"].items():
        rrs = (
            f"{r['rrs_vs_sql']:.2f}x ({r['rrs_asset_s']:.2f} s vs {r['rrs_baseline_sql_s']:.2f} s)"
            if r["rrs_vs_sql"] is not None
            else "n/a (no RRS asset or no baseline SQL)"
        )
        population = (
            f"{r['population_rrs_vs_sql']:.2f}x ({r['population_rrs_asset_s']:.2f} s vs "
            f"{r['population_rrs_baseline_sql_s']:.2f} s)"
            if r.get("population_rrs_vs_sql") is not None
            else "n/a (no population RRS asset or no baseline SQL)"
        )
        impact = r.get("impact_all") or {}
        effect = impact.get("mean_effect")
        nominals, people = (int(part) for part in scale.split(":"))
        lines += [
            f"{nominals:,} nominals, {people:,} people:",
            f"  RRS asset / hand-written DuckDB SQL     {rrs} [<= {TARGETS['rrs_vs_sql']}x]",
            f"  population RRS asset / DuckDB SQL       {population} [<= {TARGETS['rrs_vs_sql']}x]",
            f"  impact: dbt models {r.get('impact_dbt_models_s', 0):.1f} s, bootstrap "
            f"{_cell(r.get('impact_bootstrap_s'), '{:.2f}')} s; matched "
            f"{_cell(impact.get('matched_spells'), '{:.0f}')} of "
            f"{_cell(impact.get('treated_spells'), '{:.0f}')} treated spells, effect "
            f"{_cell(effect)} (observed {_cell(impact.get('mean_observed_change'))}, expected "
            f"{_cell(impact.get('mean_expected_change'))})",
            f"  peak memory, all processes              {r.get('peak_tree_gib', 0):.2f} GiB",
            f"  orchestration overhead                  {r['orchestration_overhead_s']:.1f} s "
            f"= {r['orchestration_overhead_share']:.0%} of the run (run minus dbt node time "
            f"{r['dbt_work_s']:.1f} s and Python steps {r['python_work_s']:.1f} s); "
            f"dbt start-up inside dbt steps {r['dbt_startup_s']:.1f} s "
            f"= {r.get('dbt_startup_share', 0):.0%} of the run",
            f"  checks / whole run                      {r['check_share']:.1%} "
            f"({r['check_s']:.1f} s) [< {TARGETS['check_share']:.0%}]",
        ]
    growth = found["growth_50k_5k"]
    lines.append(
        f"growth t(50,000) / t(5,000)               "
        f"{'n/a (needs both scales)' if growth is None else f'{growth:.2f}'}"
        f" [<= {TARGETS['growth_50k_5k']:.0f}]"
    )
    people = found.get("growth_people")
    lines.append(
        "growth in people t(most) / t(fewest)      "
        + (
            "n/a (needs two populations at one number of nominals)"
            if people is None
            else f"{people['ratio']:.2f} ({people['people'][1]:,} / {people['people'][0]:,} "
            f"people at {people['nominals']:,} nominals)"
        )
    )
    return "\n".join(lines)


def compare(pairs: dict[str, list[tuple[ScaleResult, ScaleResult]]]) -> dict[str, Any]:
    """This tree against the --against commit, scale by scale: wall and CPU, new / old.

    Each pair is one old run and one new run of the scale, one right after the other; a scale
    with several pairs gives the median of their ratios (and of their times), so a machine that
    speeds up or slows down between two runs moves one pair, not the result.
    """
    found = {}
    for key, scale_pairs in pairs.items():
        measured = [
            {
                "wall_old_s": old.total_s,
                "wall_new_s": new.total_s,
                "wall_ratio": new.total_s / old.total_s,
                "cpu_old_s": old.cpu_s,
                "cpu_new_s": new.cpu_s,
                "cpu_ratio": new.cpu_s / old.cpu_s,
            }
            for old, new in scale_pairs
        ]
        found[key] = {
            **{name: statistics.median(m[name] for m in measured) for name in measured[0]},
            "pairs": measured,
        }
    return found


def format_comparison(found: dict[str, Any], commit: str) -> str:
    lines = [
        "",
        f"This tree against {commit} (same landing folder; target new / old < "
        f"{TARGETS['against']})",
    ]
    for scale, r in found.items():
        pairs = r["pairs"]
        lines.append(f"{scale.replace(':', ' nominals, ')} people:")
        if len(pairs) == 1:
            lines += [
                f"  wall  {r['wall_old_s']:.1f} s -> {r['wall_new_s']:.1f} s = "
                f"{r['wall_ratio']:.2f}x",
                f"  CPU   {r['cpu_old_s']:.1f} s -> {r['cpu_new_s']:.1f} s = {r['cpu_ratio']:.2f}x",
            ]
        else:
            # The median ratio need not be the ratio of the median times: both are shown.
            lines += [
                f"  wall  {r['wall_ratio']:.2f}x, the median of {len(pairs)} pairs' ratios "
                f"(median times {r['wall_old_s']:.1f} s -> {r['wall_new_s']:.1f} s)",
                f"  CPU   {r['cpu_ratio']:.2f}x, the median of {len(pairs)} pairs' ratios "
                f"(median times {r['cpu_old_s']:.1f} s -> {r['cpu_new_s']:.1f} s)",
            ]
            lines += [
                f"  pair {i}: wall {p['wall_old_s']:.1f} -> {p['wall_new_s']:.1f} s = "
                f"{p['wall_ratio']:.2f}x, CPU {p['cpu_old_s']:.1f} -> {p['cpu_new_s']:.1f} s = "
                f"{p['cpu_ratio']:.2f}x"
                for i, p in enumerate(pairs, start=1)
            ]
    return "\n".join(lines)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().split()
    memory_kib = int(meminfo[meminfo.index("MemTotal:") + 1])
    return {
        "cpu_count": os.cpu_count(),
        "affinity_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 1024**2, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        **{
            name: version(name)
            for name in ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt", "pandas")
        },
    }


def parse_scale(text: str) -> tuple[int, int]:
    """NOMINALS[:PEOPLE], underscores allowed: "500", "500:1_500_000"."""
    nominals, _, people = text.strip().replace("_", "").partition(":")
    return int(nominals), int(people) if people else DEFAULT_PEOPLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales",
        default=",".join(f"{n}:{p}" for n, p in DEFAULT_SCALES),
        help="comma-separated NOMINALS[:PEOPLE] (default: 500,5000,50000 with "
        f"{DEFAULT_PEOPLE:,} people each)",
    )
    parser.add_argument(
        "--huge",
        action="store_true",
        help=f"also run {HUGE_SCALE[0]:,} nominals in {HUGE_SCALE[1]:,} people",
    )
    parser.add_argument(
        "--engines",
        default="duckdb",
        help="comma-separated IOM_ENGINE values to run each scale on (duckdb, spark); the "
        "first engine's runs make the main table and ratios",
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write no JSON")
    parser.add_argument("--work-dir", help="keep landing folders and warehouses here")
    parser.add_argument(
        "--against",
        metavar="COMMIT",
        help="also run that commit's code (a git worktree) on the same landing folders, "
        "alternating with this tree's, and print new / old",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=1,
        metavar="N",
        help="with --against: N old and N new runs of each scale, alternating (old, new, new, "
        "old, ...); new / old is the median of the N pairs",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("LANDING", "DATA_DIR", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        return child(*(Path(p) for p in args.child))

    scales = [parse_scale(s) for s in args.scales.split(",") if s.strip()]
    if args.huge and HUGE_SCALE not in scales:
        scales.append(HUGE_SCALE)
    started_at = datetime.now(UTC)
    # Taken before the runs: the code measured, even if a commit lands while they run.
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    with tempfile.TemporaryDirectory(prefix="iom-bench-") as tmp:
        work = Path(args.work_dir).resolve() if args.work_dir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        old_tree, against = None, None
        if args.against:
            against = _git("rev-parse", "--short", args.against)
            old_tree = work / f"tree-{against}"
            if not old_tree.is_dir():
                # A plain copy of that commit's files (git archive): no worktree to clean up.
                old_tree.mkdir(parents=True)
                archive = subprocess.run(
                    ["git", "archive", against], cwd=REPO_ROOT, capture_output=True, check=True
                )
                subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive.stdout, check=True)
        for tree in filter(None, [old_tree, REPO_ROOT]):
            # Each tree's dbt manifest, parsed (when stale) before any run is measured.
            subprocess.run(
                [sys.executable, "-c", "import dagster_project.transform.project"],
                cwd=tree,
                env={**os.environ, "PYTHONPATH": str(tree)},
                check=True,
            )
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        results, old_results, other_engines = [], [], []
        pairs: dict[str, list[tuple[ScaleResult, ScaleResult]]] = {}
        for scale in scales:
            what = f"{scale[0]:,} nominals, {scale[1]:,} people"
            if old_tree is not None:
                for pair in range(1, args.pairs + 1):
                    # Each run in a data folder of its own: a second run in one would be a
                    # second night. Every other pair runs the new code first.
                    label = f"-{pair}" if args.pairs > 1 else ""
                    sides = ["old", "new"] if pair % 2 else ["new", "old"]
                    done: dict[str, ScaleResult] = {}
                    for side in sides:
                        tree, name = (old_tree, against) if side == "old" else (REPO_ROOT, "HEAD")
                        print(f"running {what} at {name} (pair {pair}) ...", flush=True)
                        suffix = f"-{against}{label}" if side == "old" else label
                        engine = "duckdb" if side == "old" else engines[0]
                        done[side] = run_scale(scale, work, tree, suffix, engine)
                    pairs.setdefault(done["new"].key, []).append((done["old"], done["new"]))
                old_results.append(pairs[done["new"].key][0][0])
                results.append(pairs[done["new"].key][0][1])
            for engine in engines if old_tree is None else engines[1:]:
                print(f"running {what} on {engine} ...", flush=True)
                run = run_scale(scale, work, engine=engine)
                (results if engine == engines[0] else other_engines).append(run)
    print()
    if old_results:
        print(f"At {against}:")
        print(format_table(old_results))
        print(format_ratios(ratios(old_results)))
        print("\nThis tree:")
    print(format_table(results))
    found = ratios(results)
    print(format_ratios(found))
    comparison = compare(pairs) if pairs else None
    if comparison:
        print(format_comparison(comparison, against or ""))
    if other_engines:
        print("\nEngines side by side:")
        print(
            format_engines(sorted([*results, *other_engines], key=lambda r: (r.people, r.nominals)))
        )
    if args.no_save:
        return 0
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "commit": commit,
        "dirty": dirty,
        "machine": machine(),
        "load_average_after": os.getloadavg(),
        "scales": [r.as_json() for r in results],
        "ratios": found,
    }
    if other_engines:
        report["other_engines"] = [r.as_json() for r in other_engines]
    if comparison:
        report["against"] = {
            "commit": against,
            "scales": [r.as_json() for r in old_results],
            "ratios": ratios(old_results),
            "new_over_old": comparison,
        }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{started_at:%Y-%m-%d}-{commit}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nsaved {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
