"""Paired-test statistics on inputs whose results can be worked out by hand."""

import numpy as np

from dagster_project.scoring.statistics import hodges_lehmann, paired_test, rank_biserial


def test_all_positive_differences_give_r_one_and_exact_p() -> None:
    before = np.array([10, 10, 10, 10, 10])
    after = np.array([11, 12, 13, 14, 15])  # differences 1..5
    result = paired_test(before, after, with_ci=True)
    # exact two-sided: only T+ = 15 or T+ = 0 are as extreme, 2 of 2^5 sign patterns
    assert result.p_value == 2 / 32
    assert result.effect_r == 1.0
    # Walsh averages of 1..5 are symmetric about 3
    assert result.hl_shift == 3.0
    assert result.hl_ci_low <= 3.0 <= result.hl_ci_high
    assert result.hl_ci_low >= 1.0 and result.hl_ci_high <= 5.0


def test_rank_biserial_ignores_zero_differences_and_signs_after_minus_before() -> None:
    # non-zero |d| = 50, 250: ranks 1 (positive), 2 (negative): (1 - 2) / 3
    assert rank_biserial(np.array([50, 0, -250, 0])) == -1 / 3


def test_hodges_lehmann_is_the_median_of_walsh_averages() -> None:
    # Walsh averages of (-120, -120, -100, -40, 0, 0): 21 values, the 11th is -60
    assert hodges_lehmann(np.array([-100, -40, 0, -120, -120, 0])) == -60.0
    # an even count (10 averages of -250, 0, 0, 50): mean of the 5th and 6th, both 0
    assert hodges_lehmann(np.array([50, 0, -250, 0])) == 0.0


def test_all_zero_differences_have_no_p_value() -> None:
    result = paired_test(np.array([5, 120]), np.array([5, 120]), with_ci=False)
    assert (result.n, result.p_value, result.effect_r, result.hl_shift) == (2, None, None, 0.0)


def test_hodges_lehmann_agrees_with_every_walsh_average_written_out() -> None:
    # The FFT route (statistics.py) against the definition, on samples small enough to list
    # all n(n+1)/2 averages: odd and even counts, ties, one value, a wide range.
    rng = np.random.default_rng(7)
    samples = [np.array([3]), np.array([-2, -2, -2]), rng.integers(-900, 40, 41)]
    samples += [rng.integers(-5, 5, size) for size in (2, 9, 30)]
    for differences in samples:
        i, j = np.triu_indices(differences.size)
        walsh = (differences[i] + differences[j]) / 2
        assert hodges_lehmann(differences) == float(np.median(walsh))
