"""benchmarks/run.py's new / old against an older commit: the median of the pairs' ratios."""

from __future__ import annotations

from benchmarks.run import ScaleResult, compare, format_comparison


def _result(wall: float, cpu: float) -> ScaleResult:
    return ScaleResult(500, 0, 100, 0.0, 0.0, 1.0, 1.0, cpu, {"total_s": wall})


def test_three_pairs_give_the_median_of_their_ratios_not_the_ratio_of_medians() -> None:
    # (old wall, old CPU, new wall, new CPU) of each pair
    pairs = [(30.0, 33.0, 18.0, 16.5), (40.0, 44.0, 16.0, 17.6), (20.0, 35.0, 10.0, 21.0)]
    found = compare(
        {
            "500:0": [
                (_result(old_wall, old_cpu), _result(new_wall, new_cpu))
                for old_wall, old_cpu, new_wall, new_cpu in pairs
            ]
        }
    )["500:0"]
    # wall ratios 0.6, 0.4, 0.5: median 0.5. The ratio of the median times would be
    # 16 / 30 = 0.533.
    assert [round(p["wall_ratio"], 4) for p in found["pairs"]] == [0.6, 0.4, 0.5]
    assert round(found["wall_ratio"], 4) == 0.5
    assert (found["wall_old_s"], found["wall_new_s"]) == (30.0, 16.0)
    # CPU ratios 0.5, 0.4, 0.6: median 0.5
    assert round(found["cpu_ratio"], 4) == 0.5
    text = format_comparison({"500:0": found}, "9fd1c11")
    assert "wall  0.50x, the median of 3 pairs' ratios (median times 30.0 s -> 16.0 s)" in text
    assert "pair 3: wall 20.0 -> 10.0 s = 0.50x, CPU 35.0 -> 21.0 s = 0.60x" in text


def test_one_pair_is_printed_as_one_comparison() -> None:
    found = compare({"500:0": [(_result(32.0, 36.0), _result(16.0, 18.0))]})
    text = format_comparison(found, "9fd1c11")
    assert "  wall  32.0 s -> 16.0 s = 0.50x" in text
    assert "  CPU   36.0 s -> 18.0 s = 0.50x" in text
    assert "pair 1" not in text
