"""The offender population around the nominals: arrests, convictions and custody, vectorised.

Everyone is simulated month by month in blocks of people with numpy (one generator per
block, seeded from the run's seed and the block's number, so the bytes do not depend on
anything but the arguments). A person's arrest rate is their own long-run level times a
multiplier that wanders around 1 (an AR(1) process on its log, month to month): a person
who is high this year is, on average, back near their level next year, which is the
regression to the mean a panel selecting on the score walks into. Arrests are a Poisson
process at liberty: a drawn arrest that falls inside a custody episode does not happen.
docs/demo-data.md, "The population", gives the parameters and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Arrests per year at liberty, lognormal across people (mean ~2.5).
RATE_MEDIAN = 1.5
RATE_SIGMA = 1.0
# log multiplier: stationary sd and month-to-month correlation (a ~1-year memory).
SWING_SIGMA = 0.9
SWING_RHO = 0.92
OFFENCE_LAG_MEAN = 7  # days from offence to arrest (most the same week)
BLOCK = 50_000  # people per numpy block: bounds memory whatever the population


@dataclass(frozen=True)
class Justice:
    """What follows an arrest; shared with the nominals' model (generator.py)."""

    code_cum: np.ndarray  # cumulative offence-code shares
    weapon_share: np.ndarray  # per code
    custody_prob: np.ndarray  # per code, of a conviction
    sentence_median: np.ndarray  # per code, days
    p_remand: float
    remand_days: tuple[int, int]
    p_conviction: float
    conviction_lag_min: int
    conviction_lag_mean: float
    sentence_sigma: float
    weapon_sentence_factor: float
    sentence_max_days: int
    long_sentence_days: int
    p_hdc: float
    hdc_max_early_days: int
    p_parole: float
    p_end_of_sentence: float
    p_weapon_carrier: float
    weapon_carrier_factor: float
    area_cum: np.ndarray
    p_release_elsewhere: float
    n_areas: int


RELEASE_TYPES = ("STANDARD", "HDC", "PAROLE", "END_OF_SENTENCE", "REMAND_ENDED")


@dataclass
class Block:
    """One block's rows as columns; people are block-local indices 0..n-1."""

    arrests: dict[str, np.ndarray]
    convictions: dict[str, np.ndarray]
    custody: dict[str, np.ndarray]


def _month_starts(first: int, extract: int) -> np.ndarray:
    from datetime import date

    d = date.fromordinal(first).replace(day=1)
    starts = []
    while d.toordinal() <= extract:
        starts.append(max(first, d.toordinal()))
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    starts.append(extract + 1)
    return np.asarray(starts, dtype=np.int64)


def _release(
    rng: np.random.Generator, j: Justice, start: np.ndarray, sentence: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Earliest and actual release, and release type index, of each sentence."""
    n = len(start)
    earliest = start + np.maximum(1, sentence // 2)
    u = rng.random(n)
    u = np.where((sentence > j.long_sentence_days) | (sentence < 84), u + j.p_hdc, u)
    half = earliest - start
    hdc_early = (rng.random(n) * (np.minimum(j.hdc_max_early_days, half // 2) + 1)).astype(np.int64)
    low = np.maximum(1, sentence // 3)
    parole = start + low + (rng.random(n) * np.maximum(half - low + 1, 1)).astype(np.int64)
    release = earliest.copy()
    kind = np.zeros(n, dtype=np.int64)  # STANDARD
    is_hdc = u < j.p_hdc
    is_parole = ~is_hdc & (u < j.p_hdc + j.p_parole)
    is_end = ~is_hdc & ~is_parole & (u < j.p_hdc + j.p_parole + j.p_end_of_sentence)
    release = np.where(is_hdc, earliest - hdc_early, release)
    release = np.where(is_parole, np.minimum(parole, earliest), release)
    release = np.where(is_end, start + sentence, release)
    kind[is_hdc], kind[is_parole], kind[is_end] = 1, 2, 3
    return earliest, np.maximum(release, start + 1), kind


def simulate_block(
    rng: np.random.Generator, j: Justice, people: int, first_day: int, extract: int
) -> Block:
    """Arrests, convictions and custody of `people` people from first_day to extract."""
    level = np.exp(rng.normal(np.log(RATE_MEDIAN), RATE_SIGMA, people)) / 365.25
    swing = rng.normal(0.0, SWING_SIGMA, people)
    weapon_factor = np.where(rng.random(people) < j.p_weapon_carrier, j.weapon_carrier_factor, 0.5)
    home = np.searchsorted(j.area_cum, rng.random(people))
    # The latest custody episode of each person, [start, release); -1 = none yet.
    c_start = np.full(people, -1, dtype=np.int64)
    c_end = np.full(people, -1, dtype=np.int64)
    arrests: list[tuple[np.ndarray, ...]] = []
    convictions: list[tuple[np.ndarray, ...]] = []
    custody: list[tuple[np.ndarray, ...]] = []
    starts = _month_starts(first_day, extract)
    innovation = np.sqrt(1 - SWING_RHO**2) * SWING_SIGMA
    for m in range(len(starts) - 1):
        d0, d1 = int(starts[m]), int(starts[m + 1])
        swing = SWING_RHO * swing + innovation * rng.standard_normal(people)
        expected = level * np.exp(swing - SWING_SIGMA**2 / 2) * (d1 - d0)
        counts = rng.poisson(expected)
        total = int(counts.sum())
        if total == 0:
            continue
        who = np.repeat(np.arange(people), counts)
        day = d0 + rng.integers(0, d1 - d0, total)
        order = np.lexsort((day, who))
        who, day = who[order], day[order]
        first_of = np.repeat(np.cumsum(counts) - counts, counts)
        rank = np.arange(total) - first_of
        for k in range(int(counts.max())):
            at = rank == k
            p, t = who[at], day[at]
            free = ~((c_start[p] <= t) & (t < c_end[p]))
            p, t = p[free], t[free]
            n = len(p)
            if n == 0:
                continue
            code = np.searchsorted(j.code_cum, rng.random(n))
            weapon = rng.random(n) < j.weapon_share[code] * weapon_factor[p]
            arrests.append((p, t, code, weapon))
            u = rng.random(n)
            lag = j.conviction_lag_min + rng.exponential(j.conviction_lag_mean, n).astype(np.int64)
            offence = t - rng.exponential(OFFENCE_LAG_MEAN, n).astype(np.int64)
            convicted = (u >= j.p_remand) & (u < j.p_remand + j.p_conviction)
            convicted &= t + lag <= extract
            sentence_u = rng.random(n)
            raw_sentence = rng.lognormal(
                np.log(j.sentence_median[code] * np.where(weapon, j.weapon_sentence_factor, 1.0)),
                j.sentence_sigma,
            )
            remand_days = rng.integers(j.remand_days[0], j.remand_days[1] + 1, n)
            elsewhere = rng.random(n) < j.p_release_elsewhere
            other_area = rng.integers(0, j.n_areas, n)
            c = convicted
            convictions.append((p[c], offence[c], (t + lag)[c], code[c], weapon[c]))
            # A new episode only when the last has ended: one inside runs concurrently.
            can_start = t > c_end[p]
            remand = (u < j.p_remand) & can_start
            jailed = c & (sentence_u < j.custody_prob[code]) & can_start
            if remand.any() or jailed.any():
                start = np.where(remand, t, t + lag)
                sentence = np.where(
                    remand,
                    remand_days,
                    np.clip(raw_sentence.astype(np.int64), 14, j.sentence_max_days),
                )
                new = remand | jailed
                ps, ss, se = p[new], start[new], sentence[new]
                earliest, release, kind = _release(rng, j, ss, se)
                is_remand = remand[new]
                earliest = np.where(is_remand, ss + se, earliest)
                release = np.where(is_remand, ss + se, release)
                kind = np.where(is_remand, 4, kind)
                area = np.where(elsewhere[new], other_area[new], home[ps])
                custody.append((ps, ss, se, earliest, release, area, kind))
                c_start[ps], c_end[ps] = ss, release
    return Block(
        arrests=_columns(arrests, ("person", "day", "code", "weapon"), "day"),
        convictions=_columns(convictions, ("person", "offence", "day", "code", "weapon"), "day"),
        custody=_columns(
            custody,
            ("person", "start", "sentence", "earliest", "release", "area", "kind"),
            "start",
        ),
    )


def _columns(
    parts: list[tuple[np.ndarray, ...]], names: tuple[str, ...], by: str
) -> dict[str, np.ndarray]:
    if not parts:
        return {name: np.zeros(0, dtype=np.int64) for name in names}
    columns = {name: np.concatenate([part[i] for part in parts]) for i, name in enumerate(names)}
    # Rows of one person together, in date order (the order a force's extract sorts by).
    order = np.lexsort((columns[by], columns["person"]))
    return {name: values[order] for name, values in columns.items()}
