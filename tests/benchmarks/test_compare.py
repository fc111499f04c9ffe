"""benchmarks/run.py's new / old against an older commit: the median of the pairs' ratios."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", REPO_ROOT / "benchmarks/run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up by name
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _result(bench: ModuleType, wall: float, cpu: float) -> object:
    return bench.ScaleResult(500, 0, 100, 0.0, 0.0, 1.0, 1.0, cpu, {"total_s": wall})


def test_three_pairs_give_the_median_of_their_ratios_not_the_ratio_of_medians() -> None:
    bench = _bench()
    pairs = [(30.0, 33.0, 15.0, 16.5), (40.0, 44.0, 16.0, 17.6), (32.0, 35.0, 20.8, 21.0)]
    found = bench.compare(
        {
            "500:0": [
                (_result(bench, old_wall, old_cpu), _result(bench, new_wall, new_cpu))
                for old_wall, old_cpu, new_wall, new_cpu in pairs
            ]
        }
    )["500:0"]
    # wall ratios 0.5, 0.4, 0.65: median 0.5 (the ratio of the median times is 20.8 / 32 = 0.65)
    assert [round(p["wall_ratio"], 4) for p in found["pairs"]] == [0.5, 0.4, 0.65]
    assert round(found["wall_ratio"], 4) == 0.5
    # CPU ratios 0.5, 0.4, 0.6: median 0.5
    assert round(found["cpu_ratio"], 4) == 0.5
    assert (found["wall_old_s"], found["wall_new_s"]) == (32.0, 16.0)
    text = bench.format_comparison({"500:0": found}, "9fd1c11")
    assert "wall  median of 3 pairs, 32.0 s -> 16.0 s = 0.50x" in text
    assert "pair 3: wall 32.0 -> 20.8 s = 0.65x, CPU 35.0 -> 21.0 s = 0.60x" in text
