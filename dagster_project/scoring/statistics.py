"""Paired tests behind the Significance section of the scorecard (metrics.md).

For paired scores (before, after): n, the Wilcoxon signed-rank p (scipy defaults,
two-sided), the rank-biserial r over non-zero differences (sign: after minus before) and
the Hodges-Lehmann shift (median of the Walsh averages (d_i + d_j) / 2, i <= j) with a
seeded 95% percentile bootstrap CI.

RRS values are integers, so the differences are integers and every Walsh average is a
half-integer. That lets the HL median be computed exactly without the n(n+1)/2 averages
(1.8e9 at n = 60,000): the counts of pairwise sums are the self-convolution of the histogram
of differences (FFT, O(R log R) for a value range R). A bootstrap resample of the pairs is a
multinomial draw of that histogram, so 2,000 resamples cost 2,000 convolutions, not 2,000
resamples of n rows, and they are computed a batch at a time in one FFT each.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 2019
CI_LEVEL = 0.95


@dataclass(frozen=True)
class PairedTest:
    n: int
    p_value: float | None
    effect_r: float | None
    hl_shift: float | None
    hl_ci_low: float | None = None
    hl_ci_high: float | None = None


def rank_biserial(differences: np.ndarray) -> float | None:
    """(R+ - R-) / (R+ + R-) over the non-zero differences, ranks of |d| with ties averaged."""
    nonzero = differences[differences != 0]
    if nonzero.size == 0:
        return None
    ranks = stats.rankdata(np.abs(nonzero))
    positive = ranks[nonzero > 0].sum()
    negative = ranks[nonzero < 0].sum()
    return float((positive - negative) / (positive + negative))


def _histogram(differences: np.ndarray) -> tuple[np.ndarray, int]:
    """Counts of each integer value from the minimum up, and that minimum."""
    low = int(differences.min())
    return np.bincount(differences - low), low


def _hl_from_histograms(counts: np.ndarray, low: int) -> np.ndarray:
    """Median of the Walsh averages for each row of histograms over the same values (exact)."""
    width = counts.shape[1]
    size = 1 << (2 * width - 2).bit_length()  # a power of two >= the 2 * width - 1 pair sums
    spectra = np.fft.rfft(counts, size, axis=1)
    # ordered pair sums: sums[k] = #{(i, j): d_i + d_j = 2 * low + k}, i = j included once
    ordered = np.rint(np.fft.irfft(spectra * spectra, size, axis=1)[:, : 2 * width - 1])
    ordered = ordered.astype(np.int64)
    ordered[:, ::2] += counts  # i = j twice, so that halving counts each unordered pair once
    cumulative = np.cumsum(ordered // 2, axis=1)  # unordered pairs with i <= j
    total = cumulative[:, -1:]
    # first index reaching each middle rank: the number of cumulative counts below it
    lower = (cumulative < (total + 1) // 2).sum(axis=1)
    upper = (cumulative < total // 2 + 1).sum(axis=1)
    return (2 * low + (lower + upper) / 2) / 2


def hodges_lehmann(differences: np.ndarray) -> float:
    """Median of the Walsh averages (d_i + d_j) / 2 over i <= j of integer differences."""
    counts, low = _histogram(differences.astype(np.int64))
    return float(_hl_from_histograms(counts[np.newaxis, :], low)[0])


# Resampled histograms turned into shifts this many at a time: the pair-sum spectra of a
# batch take about 16 bytes x batch x twice the value range.
_RESAMPLES_PER_BATCH = 250


def hodges_lehmann_ci(
    differences: np.ndarray, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> tuple[float, float]:
    """95% percentile bootstrap CI of the HL shift, resampling the pairs with replacement."""
    counts, low = _histogram(differences.astype(np.int64))
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=resamples)
    shifts = np.concatenate(
        [
            _hl_from_histograms(draws[start : start + _RESAMPLES_PER_BATCH], low)
            for start in range(0, resamples, _RESAMPLES_PER_BATCH)
        ]
    )
    alpha = (1 - CI_LEVEL) / 2
    return float(np.quantile(shifts, alpha)), float(np.quantile(shifts, 1 - alpha))


def paired_test(before: np.ndarray, after: np.ndarray, with_ci: bool) -> PairedTest:
    """Wilcoxon signed-rank test of after vs before, effect size and HL shift."""
    differences = (after - before).astype(np.int64)
    n = int(differences.size)
    if n == 0:
        return PairedTest(n=0, p_value=None, effect_r=None, hl_shift=None)
    # scipy rejects a sample whose differences are all zero: no evidence of a shift either way
    p_value = float(stats.wilcoxon(after, before).pvalue) if np.any(differences != 0) else None
    ci = hodges_lehmann_ci(differences) if with_ci else (None, None)
    return PairedTest(
        n=n,
        p_value=p_value,
        effect_r=rank_biserial(differences),
        hl_shift=hodges_lehmann(differences),
        hl_ci_low=ci[0],
        hl_ci_high=ci[1],
    )
