"""Benchmark: the nightly run at several scales of demo data, against hand-written baselines.

For each scale the demo generator writes a landing folder, then a fresh Python process runs the
nightly job exactly as `iom run` does (so peak memory is that run's alone). The child reads
the run's Dagster event log for per-step wall times and dbt's per-node durations; the parent
prints a table and the baseline ratios, and saves everything as JSON under
benchmarks/results/.

    python benchmarks/run.py                  # 500, 5,000 and 50,000 nominals
    python benchmarks/run.py --scales 500,5000 --no-save
    python benchmarks/run.py --huge           # adds 500,000 nominals
    python benchmarks/run.py --scales 500 --against 9fd1c11   # that commit, then this tree
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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
DEFAULT_SCALES = (500, 5_000, 50_000)
HUGE_SCALE = 500_000
# The RRS asset's step: the one whose key names it (the 'rrs' helper's scoring asset).
RRS_STEP_MARK = "rrs"
TARGETS = {"rrs_vs_sql": 1.5, "growth_50k_5k": 12.0, "check_share": 0.20, "against": 0.5}


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


def _rrs_baseline_seconds(warehouse: Path) -> float | None:
    """The hand-written DuckDB query of the RRS definition, run on the same warehouse."""
    if not RRS_BASELINE_SQL.is_file():
        return None
    import duckdb

    sql = RRS_BASELINE_SQL.read_text().strip().rstrip(";")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        # Materialised like the asset's table, so DuckDB cannot skip unread columns.
        start = time.perf_counter()
        con.execute(f"create temp table rrs_baseline as {sql}")
        return time.perf_counter() - start
    finally:
        con.close()


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
        "rrs_baseline_s": _rrs_baseline_seconds(data_dir / "warehouse.duckdb"),
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
    input_rows: int
    generate_s: float
    load_before: float
    peak_rss_mib: float
    peak_tree_rss_mib: float
    cpu_s: float
    measured: dict[str, Any]

    @property
    def total_s(self) -> float:
        return self.measured["total_s"]

    @property
    def steps(self) -> dict[str, float]:
        return self.measured["steps"]

    def rrs_step_s(self) -> float | None:
        found = [s for k, s in self.steps.items() if RRS_STEP_MARK in k.lower()]
        return sum(found) if found else None

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
            "nominals": self.nominals,
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


def run_scale(nominals: int, work: Path, tree: Path = REPO_ROOT, label: str = "") -> ScaleResult:
    """One run at one scale, by the code in `tree` (this checkout, or the --against commit's)."""
    from dagster_project.demo.generator import generate_landing

    landing, data_dir = work / f"landing-{nominals}", work / f"data-{nominals}{label}"
    start = time.perf_counter()
    # The same landing folder for both sides of a side-by-side run.
    if not (landing / "_manifest.json").is_file():
        generate_landing(landing, nominals=nominals)
    generate_s = time.perf_counter() - start
    manifest = json.loads((landing / "_manifest.json").read_text())
    out = work / f"measured-{nominals}{label}.json"
    log = work / f"run-{nominals}{label}.log"
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
        input_rows=sum(entry["rows"] for entry in manifest["files"].values()),
        generate_s=generate_s,
        load_before=load_before,
        peak_rss_mib=usage.ru_maxrss / 1024,
        peak_tree_rss_mib=memory.peak_kib / 1024,
        # User plus system time of the whole process tree: steadier than wall time on a
        # machine shared with other work.
        cpu_s=usage.ru_utime + usage.ru_stime,
        measured=measured,
    )


def _cell(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def format_table(results: list[ScaleResult]) -> str:
    step_keys = list(dict.fromkeys(k for r in results for k in r.steps))
    model_keys = list(dict.fromkeys(k for r in results for k in r.measured["dbt_models"]))
    header = ["seconds (wall)", *(f"{r.nominals:,} nominals" for r in results)]
    rows: list[list[str]] = [["input rows", *(f"{r.input_rows:,}" for r in results)]]
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


def ratios(results: list[ScaleResult]) -> dict[str, Any]:
    """The baselines, per scale where they are per scale."""
    per_scale = {}
    for r in results:
        rrs, baseline = r.rrs_step_s(), r.measured["rrs_baseline_s"]
        run = r.measured["run_s"]
        work = r.dbt_work_s() + r.python_work_s()
        per_scale[str(r.nominals)] = {
            "rrs_asset_s": rrs,
            "rrs_baseline_sql_s": baseline,
            "rrs_vs_sql": rrs / baseline if rrs is not None and baseline else None,
            "dbt_work_s": r.dbt_work_s(),
            "dbt_startup_s": r.dbt_step_s() - r.dbt_work_s(),
            "dbt_startup_share": (r.dbt_step_s() - r.dbt_work_s()) / run,
            "python_work_s": r.python_work_s(),
            "orchestration_overhead_s": run - work,
            "orchestration_overhead_share": (run - work) / run,
            "check_s": r.check_s(),
            "check_share": r.check_s() / r.total_s,
        }
    by_scale = {r.nominals: r.total_s for r in results}
    growth = by_scale[50_000] / by_scale[5_000] if {5_000, 50_000} <= by_scale.keys() else None
    return {"per_scale": per_scale, "growth_50k_5k": growth, "targets": TARGETS}


def format_ratios(found: dict[str, Any]) -> str:
    lines = ["", "Baselines (target in brackets)"]
    for scale, r in found["per_scale"].items():
        rrs = (
            f"{r['rrs_vs_sql']:.2f}x ({r['rrs_asset_s']:.2f} s vs {r['rrs_baseline_sql_s']:.2f} s)"
            if r["rrs_vs_sql"] is not None
            else "n/a (no RRS asset or no baseline SQL)"
        )
        lines += [
            f"{int(scale):,} nominals:",
            f"  RRS asset / hand-written DuckDB SQL     {rrs} [<= {TARGETS['rrs_vs_sql']}x]",
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
    return "\n".join(lines)


def compare(old: list[ScaleResult], new: list[ScaleResult]) -> dict[str, Any]:
    """This tree against the --against commit, scale by scale: wall and CPU, new / old."""
    found = {}
    for before, after in zip(old, new, strict=True):
        found[str(after.nominals)] = {
            "wall_old_s": before.total_s,
            "wall_new_s": after.total_s,
            "wall_ratio": after.total_s / before.total_s,
            "cpu_old_s": before.cpu_s,
            "cpu_new_s": after.cpu_s,
            "cpu_ratio": after.cpu_s / before.cpu_s,
        }
    return found


def format_comparison(found: dict[str, Any], commit: str) -> str:
    lines = [
        "",
        f"This tree against {commit} (same landing folder; target new / old < "
        f"{TARGETS['against']})",
    ]
    for scale, r in found.items():
        lines += [
            f"{int(scale):,} nominals:",
            f"  wall  {r['wall_old_s']:.1f} s -> {r['wall_new_s']:.1f} s = {r['wall_ratio']:.2f}x",
            f"  CPU   {r['cpu_old_s']:.1f} s -> {r['cpu_new_s']:.1f} s = {r['cpu_ratio']:.2f}x",
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales",
        default=",".join(map(str, DEFAULT_SCALES)),
        help="comma-separated numbers of nominals (default: 500,5000,50000)",
    )
    parser.add_argument("--huge", action="store_true", help=f"also run {HUGE_SCALE:,} nominals")
    parser.add_argument("--no-save", action="store_true", help="print only; write no JSON")
    parser.add_argument("--work-dir", help="keep landing folders and warehouses here")
    parser.add_argument(
        "--against",
        metavar="COMMIT",
        help="also run that commit's code (a git worktree) on the same landing folders, "
        "alternating with this tree's, and print new / old",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("LANDING", "DATA_DIR", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        return child(*(Path(p) for p in args.child))

    scales = [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]
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
        results, old_results = [], []
        for nominals in scales:
            if old_tree is not None:
                print(f"running {nominals:,} nominals at {against} ...", flush=True)
                old_results.append(run_scale(nominals, work, old_tree, f"-{against}"))
            print(f"running {nominals:,} nominals ...", flush=True)
            results.append(run_scale(nominals, work))
    print()
    if old_results:
        print(f"At {against}:")
        print(format_table(old_results))
        print(format_ratios(ratios(old_results)))
        print("\nThis tree:")
    print(format_table(results))
    found = ratios(results)
    print(format_ratios(found))
    comparison = compare(old_results, results) if old_results else None
    if comparison:
        print(format_comparison(comparison, against or ""))
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
