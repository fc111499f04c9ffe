"""Seeded synthetic landing folder for the IOM warehouse (`iom demo-data`).

Nominals are simulated one at a time (offending history, custody, IOM spells driven
by their own RRS, PPIT and IDVA for DV nominals) and each feed's rows are streamed
to its CSV, so memory stays flat whatever the scale. The model, its parameters and
its calibration against the published March 2019 figures are in docs/demo-data.md.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import os
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from dagster_project.ingest.contract import (
    ABUSE_TYPES,
    MANIFEST_NAME,
    OUTCOMES,
    area_codes,
    feeds,
    file_sha256,
)
from dagster_project.settings import SEEDS_DIR

if TYPE_CHECKING:
    import pandas as pd

OFFENCE_WEIGHTS = SEEDS_DIR / "offence_weights.csv"

# The generator writes what the ingestion contract reads: one definition of the feeds.
FEED_HEADERS: dict[str, tuple[str, ...]] = {f.file_name: tuple(f.header) for f in feeds()}
# Seed noise moves the heavy-tailed scores by about 15% either way; of seeds 1-40, this one
# puts every Figure A figure in range and lands closest to the published cohort means
# (docs/demo-data.md, "Default seed").
DEFAULT_SEED = 33
BAD_ROWS_FILE = "_injected_bad_rows.json"

AREAS = area_codes()
OTHER_EXIT_REASONS = ("TRANSFERRED", "OTHER", "DECEASED")

# --- Model parameters (docs/demo-data.md explains each and how it was tuned) -----
# The published cohort starts in January 2016 and DV IOM launched in October 2017.
DATA_START = date(2016, 1, 1)
DV_LAUNCH = date(2017, 10, 1)
# Enough history for the 5-year conviction window at the first entry, plus lag.
HISTORY_DAYS = 6 * 365
# Intake of new nominals grows ~12%/year (133/156/179 spells in 2016-2018, of which
# re-entries and moves off DV are a growing part); the last
# quarter before the extract is under-recorded, as in the published Q1 2019 cohort.
INTAKE_GROWTH = 0.12
RECENT_INTAKE_DAYS = 91
RECENT_INTAKE_FACTOR = 0.33
P_DV = 0.21
AREA_WEIGHTS = (0.70, 0.25, 0.05)
P_RELEASE_ELSEWHERE = 0.08

# Offending: arrests per year is lognormal across nominals; activity peaks in the
# year before selection (they are selected *because* they offend) and then decays
# to a floor that is low for improvers and near 1 for the rest.
ARREST_RATE_MEDIAN = 5.3
ARREST_RATE_SIGMA = 0.5
INTAKE_DILUTION_PER_YEAR = 0.06
DV_RATE_FACTOR = 0.55
SELECTION_BOOST = 3.5
SELECTION_BOOST_DAYS = 365
P_IMPROVER = 0.92
IMPROVER_FLOOR = (0.02, 0.25)
NON_IMPROVER_FLOOR = (0.4, 0.9)
POST_ENTRY_DECAY_DAYS = 30
P_WEAPON_CARRIER = 0.2
WEAPON_CARRIER_FACTOR = 4.0
GROUP_WEAPON_SHARE = {
    "weapons": 1.0,
    "violence": 0.12,
    "acquisitive": 0.05,
    "drugs": 0.08,
    "domestic": 0.04,
    "sexual": 0.04,
}
GENERIC_GROUP_MIX = {
    "acquisitive": 0.46,
    "violence": 0.18,
    "drugs": 0.15,
    "other": 0.12,
    "weapons": 0.04,
    "domestic": 0.04,
    "sexual": 0.01,
}
DV_GROUP_MIX = {
    "domestic": 0.42,
    "violence": 0.28,
    "other": 0.15,
    "acquisitive": 0.07,
    "drugs": 0.05,
    "weapons": 0.02,
    "sexual": 0.01,
}
UNLISTED_GROUP_SHARE = 0.01

# Justice: most arrests end in a conviction some weeks later; serious ones often in
# custody. Sentences scale with the offence weight; under half are served.
P_INDEX_CUSTODY = 0.9
P_INDEX_CUSTODY_DV = 0.2
INDEX_ARREST_LEAD = (60, 270)
INDEX_CONVICTION_LEAD = 14
INDEX_SENTENCE_MEDIAN = 1000
P_INDEX_REMAND = 0.85
P_REMAND = 0.04
REMAND_DAYS = (7, 120)
P_CONVICTION = 0.62
CONVICTION_LAG_MIN = 14
CONVICTION_LAG_MEAN = 60
CUSTODY_BASE = 0.3
CUSTODY_PER_WEIGHT = 0.07
CUSTODY_MAX = 0.75
SENTENCE_BASE_DAYS = 250
SENTENCE_DAYS_PER_WEIGHT = 80
SENTENCE_SIGMA = 0.65
WEAPON_SENTENCE_FACTOR = 1.4
SENTENCE_MAX_DAYS = 15 * 365
LONG_SENTENCE_DAYS = 1461
P_HDC = 0.22
HDC_MAX_EARLY_DAYS = 135
P_PAROLE = 0.06
P_END_OF_SENTENCE = 0.08
P_RECALL = 0.5
RECALL_AFTER_DAYS = (20, 240)
RECALL_MIN_DAYS = 14
P_RECALL_PAROLE = 0.3

# IOM spells: reviews roughly monthly; a nominal at liberty whose RRS has fallen to
# the threshold may leave successfully; other exits are a flat hazard.
REVIEW_DAYS = (21, 40)
SUCCESS_MIN_REVIEWS = 5
SUCCESS_THRESHOLD = 200
P_SUCCESS_PER_REVIEW = 0.06
P_OTHER_EXIT_PER_REVIEW = 0.01
OTHER_EXIT_WEIGHTS = (0.55, 0.37, 0.08)
DESELECT_THRESHOLD = 500
P_DESELECT_PER_REVIEW = 0.025
WASHOUT_MIN_REVIEWS = 3
P_WASHOUT_PER_REVIEW = 0.07
P_WASHOUT_TO_GENERIC = 0.7
P_REENTRY = {
    "SUCCESSFUL": 0.08,
    "WASHOUT": 0.24,
    "DESELECTED": 0.3,
    "TRANSFERRED": 0.18,
    "OTHER": 0.3,
}
REENTRY_GAP_MIN = 30
REENTRY_GAP_MEAN = 240
P_REENTER_DV = 0.5
MAX_SPELLS = 4

# PPIT: a baseline near DV entry and an exit assessment shortly after the DV spell
# ends; the published removed-DV cohort fell 42%.
P_PPIT_BASELINE = 0.88
P_PPIT_EXIT = 0.85
PPIT_BASELINE = (62.0, 14.0)
PPIT_REDUCTION = (0.42, 0.12)

# IDVA: survivors' cases referred around the perpetrator's DV entry; outcome shares
# per abuse type follow the published table of 36 closed cases.
IDVA_CASES_WEIGHTS = (0.2, 0.6, 0.2)
IDVA_REFERRAL_OFFSET = (-60, 90)
IDVA_DURATION_DAYS = (30, 240)
P_FELT_SAFER_ASKED = 0.95
FELT_SAFER_SHARE = 0.86
PUBLISHED_OUTCOMES: dict[str, tuple[int, int, int, int, int]] = {
    # NOT_DISCLOSED, CESSATION, SIGNIFICANT_REDUCTION, SOME_REDUCTION, DONT_KNOW
    "PHYSICAL": (9, 20, 1, 0, 6),
    "EMOTIONAL": (4, 15, 10, 2, 5),
    "FINANCIAL": (21, 9, 3, 0, 3),
    "SEXUAL": (23, 9, 0, 0, 4),
    "JEALOUS_CONTROLLING": (14, 12, 4, 2, 4),
    "STALKING": (16, 10, 4, 3, 3),
}


@dataclass(frozen=True)
class InjectedBadRow:
    file: str
    line: int
    column: str
    kind: str


@dataclass(frozen=True)
class GenerationResult:
    out_dir: Path
    extract_date: date
    rows: dict[str, int]
    bad_rows: tuple[InjectedBadRow, ...]


# --- Offence matrix ---------------------------------------------------------------


@dataclass(frozen=True)
class OffenceMatrix:
    """The versioned IOM matrix from the dbt seed, indexed by code position."""

    codes: tuple[str, ...]
    groups: tuple[str, ...]
    version_starts: tuple[int, ...]
    weights: tuple[tuple[int, ...], ...]
    uplifts: tuple[tuple[int, ...], ...]

    def version_at(self, day: int) -> int:
        return max(0, bisect.bisect_right(self.version_starts, day) - 1)


def load_matrix(path: Path = OFFENCE_WEIGHTS) -> OffenceMatrix:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    starts = sorted({r["valid_from"] for r in rows})
    codes = tuple(dict.fromkeys(r["offence_code"] for r in rows))
    by_key = {(r["valid_from"], r["offence_code"]): r for r in rows}
    return OffenceMatrix(
        codes=codes,
        groups=tuple(by_key[(starts[0], c)]["offence_group"] for c in codes),
        version_starts=tuple(date.fromisoformat(s).toordinal() for s in starts),
        weights=tuple(tuple(int(by_key[(s, c)]["weight"]) for c in codes) for s in starts),
        uplifts=tuple(tuple(int(by_key[(s, c)]["weapon_uplift"]) for c in codes) for s in starts),
    )


# --- The simulated world --------------------------------------------------------


@dataclass(frozen=True)
class _World:
    """Everything fixed for one run: dates, matrix and per-code tables."""

    extract: int
    data_start: int
    dv_launch: int
    date_base: int
    iso: tuple[str, ...]
    matrix: OffenceMatrix
    generic_mix: tuple[float, ...]
    dv_mix: tuple[float, ...]
    weapon_share: tuple[float, ...]
    custody_prob: tuple[float, ...]
    sentence_median: tuple[float, ...]

    def day(self, ordinal: int) -> str:
        return self.iso[ordinal - self.date_base]


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    """Cumulative shares ending in exactly 1.0, for _pick."""
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return tuple(x / total for x in out)


def _code_mix(matrix: OffenceMatrix, group_mix: dict[str, float]) -> tuple[float, ...]:
    # Within a group, lesser offences are more frequent (shoplifting >> robbery).
    base = matrix.weights[0]
    group_inverse: dict[str, float] = {}
    for code_weight, group in zip(base, matrix.groups, strict=True):
        group_inverse[group] = group_inverse.get(group, 0.0) + 1 / code_weight
    return _cumulative(
        [
            group_mix.get(group, UNLISTED_GROUP_SHARE) / code_weight / group_inverse[group]
            for code_weight, group in zip(base, matrix.groups, strict=True)
        ]
    )


def _build_world(extract_date: date) -> _World:
    matrix = load_matrix()
    base = (DATA_START - timedelta(days=HISTORY_DAYS + 400)).toordinal()
    top = extract_date.toordinal() + SENTENCE_MAX_DAYS + 400
    weights = matrix.weights[0]
    return _World(
        extract=extract_date.toordinal(),
        data_start=DATA_START.toordinal(),
        dv_launch=DV_LAUNCH.toordinal(),
        date_base=base,
        iso=tuple(date.fromordinal(o).isoformat() for o in range(base, top + 1)),
        matrix=matrix,
        generic_mix=_code_mix(matrix, GENERIC_GROUP_MIX),
        dv_mix=_code_mix(matrix, DV_GROUP_MIX),
        weapon_share=tuple(GROUP_WEAPON_SHARE.get(g, 0.02) for g in matrix.groups),
        custody_prob=tuple(
            min(CUSTODY_MAX, CUSTODY_BASE + CUSTODY_PER_WEIGHT * w) for w in weights
        ),
        sentence_median=tuple(SENTENCE_BASE_DAYS + SENTENCE_DAYS_PER_WEIGHT * w for w in weights),
    )


def _draw_first_entries(rng: random.Random, world: _World, nominals: int) -> list[int]:
    days = range(world.data_start, world.extract + 1)
    recent = world.extract - RECENT_INTAKE_DAYS
    weights = [
        (1 + INTAKE_GROWTH * (d - world.data_start) / 365.25)
        * (RECENT_INTAKE_FACTOR if d > recent else 1.0)
        for d in days
    ]
    return sorted(rng.choices(days, weights=weights, k=nominals))


# --- One nominal ----------------------------------------------------------------


@dataclass(slots=True)
class _Custody:
    start: int
    sentence: int
    earliest: int
    release: int
    area: str
    release_type: str


@dataclass(slots=True)
class _Spell:
    scheme: str
    entry: int
    exit: int | None = None
    reason: str = ""


@dataclass(slots=True)
class _Nominal:
    area: str
    dv: bool
    arrests: list[tuple[int, int, bool]]
    convictions: list[tuple[int, int, bool]]
    custody: list[_Custody]
    spells: list[_Spell]


def _pick(rng: random.Random, cumulative: tuple[float, ...]) -> int:
    return bisect.bisect_left(cumulative, rng.random())


def _overlaps(custody: list[_Custody], start: int, release: int) -> bool:
    # Episodes of one nominal are kept strictly apart (next start > previous release).
    return any(start <= c.release and c.start <= release for c in custody)


def _custody_at(custody: list[_Custody], day: int) -> _Custody | None:
    for c in custody:
        if c.start <= day < c.release:
            return c
    return None


def _release(rng: random.Random, start: int, sentence: int) -> tuple[int, int, str]:
    """Earliest and actual release of a sentence, and how it happened."""
    earliest = start + max(1, sentence // 2)
    u = rng.random()
    if sentence > LONG_SENTENCE_DAYS or sentence < 84:
        u += P_HDC  # home detention curfew only for sentences of 12 weeks to 4 years
    if u < P_HDC:
        early = min(HDC_MAX_EARLY_DAYS, (earliest - start) // 2)
        return earliest, earliest - rng.randint(0, early), "HDC"
    if u < P_HDC + P_PAROLE:
        return earliest, start + rng.randint(max(1, sentence // 3), earliest - start), "PAROLE"
    if u < P_HDC + P_PAROLE + P_END_OF_SENTENCE:
        return earliest, start + sentence, "END_OF_SENTENCE"
    return earliest, earliest, "STANDARD"


_NEVER = 10**9


class _Offender:
    """One nominal's offending and its consequences, simulated forward in time.

    Arrests are a Poisson process whose rate peaks in the year before selection and
    then decays; nothing happens in custody. Most nominals are selected when
    sentenced to custody for an index offence, so IOM manages them through the gate.
    """

    def __init__(
        self, rng: random.Random, world: _World, first_entry: int, dv: bool, area: str
    ) -> None:
        self.rng, self.world, self.first_entry, self.area = rng, world, first_entry, area
        self.dv = dv
        self.mix = world.dv_mix if dv else world.generic_mix
        # A growing scheme reaches further down the risk distribution; DV perpetrators
        # are selected on risk to a partner, not on volume of crime.
        years_in = (first_entry - world.data_start) / 365.25
        median = ARREST_RATE_MEDIAN * max(0.5, 1 - INTAKE_DILUTION_PER_YEAR * years_in)
        rate = math.exp(rng.gauss(math.log(median), ARREST_RATE_SIGMA)) / 365.25
        self.rate = rate * (DV_RATE_FACTOR if dv else 1.0)
        improver = rng.random() < P_IMPROVER
        self.floor = rng.uniform(*(IMPROVER_FLOOR if improver else NON_IMPROVER_FLOOR))
        self.weapon_factor = WEAPON_CARRIER_FACTOR if rng.random() < P_WEAPON_CARRIER else 0.5
        self.arrests: list[tuple[int, int, bool]] = []
        self.convictions: list[tuple[int, int, bool]] = []
        self.custody: list[_Custody] = []

    def run(self) -> None:
        rng, first_entry, extract = self.rng, self.first_entry, self.world.extract
        rate, floor = self.rate, self.floor
        boost_from = first_entry - SELECTION_BOOST_DAYS
        index_day = (
            first_entry - rng.randint(*INDEX_ARREST_LEAD)
            if rng.random() < (P_INDEX_CUSTODY_DV if self.dv else P_INDEX_CUSTODY)
            else _NEVER
        )
        t = first_entry - HISTORY_DAYS
        while True:
            if t < boost_from:
                activity = 1.0
            elif t < first_entry:
                activity = SELECTION_BOOST
            else:
                activity = floor + (1 - floor) * math.exp((first_entry - t) / POST_ENTRY_DECAY_DAYS)
            t += 1 + int(rng.expovariate(rate * activity))
            if t >= index_day:
                t, index_day = index_day, _NEVER
                if _custody_at(self.custody, t) is None:
                    self._index_offence(t)
                continue
            if t > extract:
                break
            held = _custody_at(self.custody, t)
            if held is not None:
                # No arrests inside; the clock restarts at release (memoryless process).
                t = held.release
                continue
            self._arrest(t)
        self.convictions.sort()
        # A recall planned beyond the extract date has not happened yet.
        self.custody = sorted(
            (c for c in self.custody if c.start <= extract), key=lambda c: c.start
        )

    def _arrest(self, t: int) -> None:
        rng, world = self.rng, self.world
        code = _pick(rng, self.mix)
        weapon = rng.random() < world.weapon_share[code] * self.weapon_factor
        self.arrests.append((t, code, weapon))
        u = rng.random()
        if u < P_REMAND:
            held = rng.randint(*REMAND_DAYS)
            if not _overlaps(self.custody, t, t + held):
                self.custody.append(
                    _Custody(t, held, t + held, t + held, self.area, "REMAND_ENDED")
                )
        elif u < P_REMAND + P_CONVICTION:
            convicted = t + CONVICTION_LAG_MIN + int(rng.expovariate(1 / CONVICTION_LAG_MEAN))
            if convicted <= world.extract:
                self.convictions.append((convicted, code, weapon))
                if rng.random() < world.custody_prob[code]:
                    self._sentence(convicted, world.sentence_median[code], weapon)

    def _index_offence(self, t: int) -> None:
        """The offence that gets the nominal selected: convicted and jailed at entry."""
        rng = self.rng
        code = _pick(rng, self.mix)
        weapon = rng.random() < self.world.weapon_share[code] * self.weapon_factor
        self.arrests.append((t, code, weapon))
        convicted = self.first_entry - rng.randint(0, INDEX_CONVICTION_LEAD)
        self.convictions.append((convicted, code, weapon))
        # Remand time counts towards the sentence, so the episode starts at arrest.
        start = t if rng.random() < P_INDEX_REMAND else convicted
        self._sentence(start, INDEX_SENTENCE_MEDIAN, weapon)

    def _sentence(self, start: int, median: float, weapon: bool) -> None:
        rng = self.rng
        median *= WEAPON_SENTENCE_FACTOR if weapon else 1.0
        sentence = int(rng.lognormvariate(math.log(median), SENTENCE_SIGMA))
        sentence = min(SENTENCE_MAX_DAYS, max(14, sentence))
        earliest, release, how = _release(rng, start, sentence)
        # A sentence passed while already inside runs concurrently: no new episode.
        if not _overlaps(self.custody, start, release):
            self.custody.append(_Custody(start, sentence, earliest, release, self.area, how))
            if rng.random() < P_RECALL:
                self._recall(start + sentence, release)

    def _recall(self, sentence_end: int, released: int) -> None:
        """Back inside for breaching the licence, until the sentence ends or parole."""
        rng = self.rng
        recalled = released + rng.randint(*RECALL_AFTER_DAYS)
        if recalled >= sentence_end - RECALL_MIN_DAYS:
            return
        release, how = sentence_end, "END_OF_SENTENCE"
        if rng.random() < P_RECALL_PAROLE:
            release, how = rng.randint(recalled + RECALL_MIN_DAYS, sentence_end), "PAROLE"
        if not _overlaps(self.custody, recalled, release):
            remaining = sentence_end - recalled
            self.custody.append(
                _Custody(recalled, remaining, sentence_end, release, self.area, how)
            )


class _Scorer:
    """RRS of one nominal at any day, from prefix sums per matrix version."""

    def __init__(
        self,
        matrix: OffenceMatrix,
        arrests: list[tuple[int, int, bool]],
        convictions: list[tuple[int, int, bool]],
    ) -> None:
        self._version_at = matrix.version_at
        self._arrest_days = [a[0] for a in arrests]
        self._conviction_days = [c[0] for c in convictions]
        self._arrest_sums = [
            _prefix_sums(arrests, w, u) for w, u in zip(matrix.weights, matrix.uplifts, strict=True)
        ]
        self._conviction_sums = [
            _prefix_sums(convictions, w, u)
            for w, u in zip(matrix.weights, matrix.uplifts, strict=True)
        ]

    def rrs(self, day: int) -> int:
        v = self._version_at(day)
        a, c = self._arrest_sums[v], self._conviction_sums[v]
        a_hi = bisect.bisect_right(self._arrest_days, day)
        a_lo = bisect.bisect_right(self._arrest_days, day - 365)
        c_hi = bisect.bisect_right(self._conviction_days, day)
        c_lo = bisect.bisect_right(self._conviction_days, day - 1826)
        return (a[a_hi] - a[a_lo]) * (c[c_hi] - c[c_lo])


def _prefix_sums(
    events: list[tuple[int, int, bool]], weights: tuple[int, ...], uplifts: tuple[int, ...]
) -> list[int]:
    sums, total = [0], 0
    for _, code, weapon in events:
        total += weights[code] + (uplifts[code] if weapon else 0)
        sums.append(total)
    return sums


def _run_spell(
    rng: random.Random, world: _World, spell: _Spell, scorer: _Scorer, custody: list[_Custody]
) -> None:
    """Review the spell about monthly until it ends or the extract date is reached."""
    day, reviews = spell.entry, 0
    while True:
        day += rng.randint(*REVIEW_DAYS)
        if day > world.extract:
            return
        reviews += 1
        u = rng.random()
        if u < P_OTHER_EXIT_PER_REVIEW:
            reason = OTHER_EXIT_REASONS[_pick(rng, _OTHER_EXIT_CUM)]
            if reason == "DECEASED" and _custody_at(custody, day) is not None:
                reason = "OTHER"  # keeps every custody episode of the dead closed
            spell.exit, spell.reason = day, reason
            return
        u -= P_OTHER_EXIT_PER_REVIEW
        if spell.scheme == "DV" and reviews >= WASHOUT_MIN_REVIEWS and u < P_WASHOUT_PER_REVIEW:
            spell.exit, spell.reason = day, "WASHOUT"
            return
        # Leaving on merit is judged at liberty: a low score inside proves nothing.
        if reviews < SUCCESS_MIN_REVIEWS or _custody_at(custody, day) is not None:
            continue
        u = rng.random()
        if u < P_SUCCESS_PER_REVIEW + P_DESELECT_PER_REVIEW:
            score = scorer.rrs(day)
            if score <= SUCCESS_THRESHOLD and u < P_SUCCESS_PER_REVIEW:
                spell.exit, spell.reason = day, "SUCCESSFUL"
                return
            if score <= DESELECT_THRESHOLD and u >= P_SUCCESS_PER_REVIEW:
                spell.exit, spell.reason = day, "DESELECTED"
                return


_OTHER_EXIT_CUM = _cumulative(OTHER_EXIT_WEIGHTS)


def _simulate_spells(
    rng: random.Random, world: _World, nominal: _Nominal, first_entry: int
) -> None:
    scorer = _Scorer(world.matrix, nominal.arrests, nominal.convictions)
    spell = _Spell("DV" if nominal.dv else "GENERIC", first_entry)
    while True:
        nominal.spells.append(spell)
        _run_spell(rng, world, spell, scorer, nominal.custody)
        if spell.exit is None or len(nominal.spells) == MAX_SPELLS or spell.reason == "DECEASED":
            break
        if spell.reason == "WASHOUT" and rng.random() < P_WASHOUT_TO_GENERIC:
            spell = _Spell("GENERIC", spell.exit)
            continue
        if rng.random() >= P_REENTRY[spell.reason]:
            break
        entry = spell.exit + REENTRY_GAP_MIN + int(rng.expovariate(1 / REENTRY_GAP_MEAN))
        if entry > world.extract:
            break
        dv_again = nominal.dv and rng.random() < P_REENTER_DV
        spell = _Spell("DV" if dv_again else "GENERIC", entry)
    last = nominal.spells[-1]
    if last.reason == "DECEASED":
        died = last.exit
        nominal.arrests = [a for a in nominal.arrests if a[0] <= died]
        nominal.convictions = [c for c in nominal.convictions if c[0] <= died]
        nominal.custody = [c for c in nominal.custody if c.start <= died]


class _Quota:
    """Systematic sampling: a share of trials, evenly spread from a random start.

    Used where an independent coin per nominal would make a headline figure swing
    by a quarter from seed to seed at the published scale (49 DV nominals, 36
    survivors asked whether they felt safer).
    """

    def __init__(self, rng: random.Random, share: float) -> None:
        self.share, self.level = share, rng.random()

    def take(self) -> bool:
        self.level += self.share
        if self.level < 1:
            return False
        self.level -= 1
        return True


def _simulate_nominal(
    rng: random.Random, world: _World, dv_quota: _Quota, first_entry: int
) -> _Nominal:
    area = AREAS[_pick(rng, _AREA_CUM)]
    dv = first_entry >= world.dv_launch and dv_quota.take()
    offender = _Offender(rng, world, first_entry, dv, area)
    offender.run()
    for c in offender.custody:
        if rng.random() < P_RELEASE_ELSEWHERE:
            c.area = AREAS[rng.randrange(len(AREAS))]
    nominal = _Nominal(area, dv, offender.arrests, offender.convictions, offender.custody, [])
    _simulate_spells(rng, world, nominal, first_entry)
    return nominal


_AREA_CUM = _cumulative(AREA_WEIGHTS)


# --- Rows per feed --------------------------------------------------------------


class _Feeds:
    """Open feed files with row buffers and the key counters of each table."""

    FLUSH_EVERY = 5000

    def __init__(self, out_dir: Path) -> None:
        self.handles: dict[str, TextIO] = {}
        self.buffers: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}
        for name, header in FEED_HEADERS.items():
            handle = (out_dir / name).open("w", encoding="utf-8", newline="\n")
            handle.write(",".join(header) + "\n")
            self.handles[name], self.buffers[name], self.counts[name] = handle, [], 0

    def add(self, name: str, line: str) -> None:
        self.buffers[name].append(line)

    def next_key(self, name: str) -> int:
        self.counts[name] += 1
        return self.counts[name]

    def flush(self) -> None:
        for name, buffer in self.buffers.items():
            if buffer:
                self.handles[name].write("".join(buffer))
                buffer.clear()

    def close(self) -> None:
        self.flush()
        for handle in self.handles.values():
            handle.close()


def _write_register(feeds: _Feeds, world: _World, nominal_id: str, nominal: _Nominal) -> None:
    for s in nominal.spells:
        exit_day = world.day(s.exit) if s.exit is not None else ""
        key = feeds.next_key("iom_register.csv")
        feeds.add(
            "iom_register.csv",
            f"SP-{key:07d},{nominal_id},{s.scheme},{nominal.area},"
            f"{world.day(s.entry)},{exit_day},{s.reason}\n",
        )


def _write_offences(feeds: _Feeds, world: _World, nominal_id: str, nominal: _Nominal) -> None:
    codes, iso, base = world.matrix.codes, world.iso, world.date_base
    for name, prefix, events in (
        ("convictions.csv", "CV", nominal.convictions),
        ("arrests.csv", "AR", nominal.arrests),
    ):
        buffer = feeds.buffers[name]
        key = feeds.counts[name]
        for day, code, weapon in events:
            key += 1
            flag = "Y" if weapon else "N"
            dates = iso[day - base]
            if prefix == "CV":
                # The offence some weeks before the court (a fixed spread keeps the bytes seeded).
                dates = f"{iso[max(day - base - (key * 37) % 90, 0)]},{dates}"
            buffer.append(f"{prefix}-{key:07d},{nominal_id},{codes[code]},{dates},{flag}\n")
        feeds.counts[name] = key


def _write_custody(feeds: _Feeds, world: _World, nominal_id: str, nominal: _Nominal) -> None:
    for c in nominal.custody:
        # The release is planned at sentencing but only known once it has happened.
        released = c.release <= world.extract
        release, how = (world.day(c.release), c.release_type) if released else ("", "")
        key = feeds.next_key("custody_episodes.csv")
        feeds.add(
            "custody_episodes.csv",
            f"CU-{key:07d},{nominal_id},{world.day(c.start)},{c.sentence},"
            f"{world.day(c.earliest)},{release},{c.area},{how}\n",
        )


def _write_ppit(
    rng: random.Random, feeds: _Feeds, world: _World, nominal_id: str, nominal: _Nominal
) -> None:
    for s in nominal.spells:
        if s.scheme != "DV":
            continue
        baseline = min(100.0, max(15.0, rng.gauss(*PPIT_BASELINE)))
        if rng.random() < P_PPIT_BASELINE:
            _add_ppit(feeds, world, nominal_id, s.entry + rng.randint(-60, 21), baseline)
        if s.exit is not None and s.reason != "DECEASED" and rng.random() < P_PPIT_EXIT:
            reduction = min(0.95, max(-0.3, rng.gauss(*PPIT_REDUCTION)))
            _add_ppit(
                feeds, world, nominal_id, s.exit + rng.randint(0, 28), baseline * (1 - reduction)
            )


def _add_ppit(feeds: _Feeds, world: _World, nominal_id: str, day: int, score: float) -> None:
    if day <= world.extract:
        key = feeds.next_key("ppit_assessments.csv")
        feeds.add(
            "ppit_assessments.csv",
            f"PP-{key:07d},{nominal_id},{world.day(day)},{min(100, round(score))}\n",
        )


def _write_idva(
    rng: random.Random,
    feeds: _Feeds,
    world: _World,
    felt_safer: _Quota,
    nominal_id: str,
    nominal: _Nominal,
) -> None:
    dv_entries = [s.entry for s in nominal.spells if s.scheme == "DV"]
    if not dv_entries:
        return
    for _ in range(_pick(rng, _IDVA_CASES_CUM)):
        referral = dv_entries[0] + rng.randint(*IDVA_REFERRAL_OFFSET)
        if referral > world.extract:
            continue
        closure = referral + rng.randint(*IDVA_DURATION_DAYS)
        closed = closure <= world.extract
        safer = ""
        if closed and rng.random() < P_FELT_SAFER_ASKED:
            safer = "Y" if felt_safer.take() else "N"
        key = feeds.next_key("idva_cases.csv")
        case_id = f"IDVA-{key:06d}"
        feeds.add(
            "idva_cases.csv",
            f"{case_id},{nominal_id},{world.day(referral)},"
            f"{world.day(closure) if closed else ''},{safer}\n",
        )
        if closed:
            for abuse_type in ABUSE_TYPES:
                outcome = OUTCOMES[_pick(rng, _OUTCOME_CUM[abuse_type])]
                feeds.add("idva_outcomes.csv", f"{case_id},{abuse_type},{outcome}\n")
                feeds.counts["idva_outcomes.csv"] += 1


_IDVA_CASES_CUM = _cumulative(IDVA_CASES_WEIGHTS)
_OUTCOME_CUM = {a: _cumulative(counts) for a, counts in PUBLISHED_OUTCOMES.items()}


# --- Bad rows -------------------------------------------------------------------

_T = TypeVar("_T")
BAD_DATE = "2018-13-45"
FRESH_NOMINAL_BASE = 8_000_000
ORPHAN_NOMINAL_BASE = 9_000_000
ORPHAN_CASE_BASE = 900_000

# Kinds cycle in this order per file; columns of one kind rotate in listed order.
_KINDS: dict[str, tuple[str, ...]] = {
    "iom_register.csv": (
        "missing_value",
        "bad_date",
        "unknown_enum",
        "duplicate_key",
        "future_date",
        "exit_before_entry",
        "overlapping_spell",
    ),
    # Convictions, arrests and custody cover the whole population: no orphans there.
    "convictions.csv": (
        "missing_value",
        "bad_date",
        "unknown_code",
        "unknown_enum",
        "duplicate_key",
        "future_date",
    ),
    "custody_episodes.csv": (
        "missing_value",
        "bad_date",
        "unknown_enum",
        "duplicate_key",
        "future_date",
        "release_before_custody_start",
        "bad_integer",
    ),
    "ppit_assessments.csv": (
        "missing_value",
        "bad_date",
        "duplicate_key",
        "orphan_foreign_key",
        "future_date",
        "bad_integer",
    ),
    "idva_cases.csv": (
        "missing_value",
        "bad_date",
        "unknown_enum",
        "duplicate_key",
        "orphan_foreign_key",
        "future_date",
        "closure_before_referral",
    ),
    # A new (case, abuse_type) key needs a new abuse type or an unknown case.
    "idva_outcomes.csv": ("missing_value", "unknown_enum", "duplicate_key", "orphan_foreign_key"),
}
_KINDS["arrests.csv"] = _KINDS["convictions.csv"]

_MISSING_COLUMNS: dict[str, tuple[str, ...]] = {
    "iom_register.csv": ("nominal_id", "scheme", "area", "entry_date"),
    "convictions.csv": ("nominal_id", "offence_code", "conviction_date", "weapon_enabled"),
    "arrests.csv": ("nominal_id", "offence_code", "arrest_date", "weapon_enabled"),
    "custody_episodes.csv": (
        "nominal_id",
        "custody_start_date",
        "sentence_days",
        "earliest_release_date",
        "release_area",
    ),
    "ppit_assessments.csv": ("nominal_id", "assessment_date", "ppit_score"),
    "idva_cases.csv": ("nominal_id", "referral_date"),
    "idva_outcomes.csv": ("abuse_type",),
}
_BAD_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "iom_register.csv": ("entry_date",),
    "convictions.csv": ("conviction_date",),
    "arrests.csv": ("arrest_date",),
    "custody_episodes.csv": ("custody_start_date", "earliest_release_date"),
    "ppit_assessments.csv": ("assessment_date",),
    "idva_cases.csv": ("referral_date",),
}
_UNKNOWN_ENUMS: dict[str, tuple[tuple[str, str], ...]] = {
    "iom_register.csv": (("scheme", "PROBATION"), ("area", "METROPOLIS")),
    "convictions.csv": (("weapon_enabled", "U"),),
    "arrests.csv": (("weapon_enabled", "U"),),
    "custody_episodes.csv": (("release_area", "OUT_OF_FORCE"), ("release_type", "ESCAPED")),
    "idva_cases.csv": (("felt_safer", "MAYBE"),),
    "idva_outcomes.csv": (("abuse_type", "VERBAL"),),
}
_BAD_INTEGERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "custody_episodes.csv": ("sentence_days", ("abc", "-30")),
    "ppit_assessments.csv": ("ppit_score", ("abc", "150")),
}
# Event dates, latest first: future_date moves the first one present (else the last).
_EVENT_DATES: dict[str, tuple[str, ...]] = {
    "iom_register.csv": ("exit_date", "entry_date"),
    "convictions.csv": ("conviction_date",),
    "arrests.csv": ("arrest_date",),
    "custody_episodes.csv": ("actual_release_date",),
    "ppit_assessments.csv": ("assessment_date",),
    "idva_cases.csv": ("closure_date", "referral_date"),
}
_KEY_PREFIX = {
    "iom_register.csv": "SP-{:07d}",
    "convictions.csv": "CV-{:07d}",
    "arrests.csv": "AR-{:07d}",
    "custody_episodes.csv": "CU-{:07d}",
    "ppit_assessments.csv": "PP-{:07d}",
    "idva_cases.csv": "IDVA-{:06d}",
}


@dataclass
class _Injection:
    """State shared by one file's injections: where the fresh keys are up to."""

    file: str
    extract: int
    next_key: int
    fresh_nominals: int = 0


def _shift(value: str, days: int) -> str:
    return (date.fromisoformat(value) + timedelta(days=days)).isoformat()


def _future(ctx: _Injection, j: int) -> str:
    return date.fromordinal(ctx.extract + 1 + j % 60).isoformat()


def _apply_defect(ctx: _Injection, kind: str, row: dict[str, str], j: int) -> str:
    """Make exactly one defect in row (a copy); return the column it is in."""
    cycle = j // len(_KINDS[ctx.file])
    file = ctx.file
    if kind == "missing_value":
        column = _rotate(_MISSING_COLUMNS[file], cycle)
        row[column] = ""
    elif kind == "bad_date":
        column = _rotate(_BAD_DATE_COLUMNS[file], cycle)
        row[column] = BAD_DATE
    elif kind == "unknown_code":
        column = "offence_code"
        row[column] = "UNKNOWN_OFFENCE"
    elif kind == "unknown_enum":
        options = [
            (c, v) for c, v in _UNKNOWN_ENUMS[file] if c != "release_type" or row["release_type"]
        ]
        column, row[column] = _rotate(options, cycle)
    elif kind == "duplicate_key":
        column = "case_id" if file == "idva_outcomes.csv" else FEED_HEADERS[file][0]
    elif kind == "orphan_foreign_key":
        column = "case_id" if file == "idva_outcomes.csv" else "nominal_id"
        if column == "case_id":
            row[column] = f"IDVA-{ORPHAN_CASE_BASE + j % 100_000:06d}"
        else:
            row[column] = f"NOM-{ORPHAN_NOMINAL_BASE + j % 1_000_000:07d}"
    elif kind == "future_date":
        candidates = _EVENT_DATES[file]
        column = next((c for c in candidates if row[c]), candidates[-1])
        row[column] = _future(ctx, j)
        if column == "actual_release_date" and not row["release_type"]:
            row["release_type"] = "STANDARD"
    elif kind == "exit_before_entry":
        column = "exit_date"
        row[column] = _shift(row["entry_date"], -1 - j % 30)
        row["exit_reason"] = row["exit_reason"] or "OTHER"
    elif kind == "release_before_custody_start":
        column = "actual_release_date"
        row[column] = _shift(row["custody_start_date"], -1 - j % 30)
        row["release_type"] = row["release_type"] or "STANDARD"
    elif kind == "closure_before_referral":
        column = "closure_date"
        row[column] = _shift(row["referral_date"], -1 - j % 30)
    elif kind == "bad_integer":
        column, values = _BAD_INTEGERS[file]
        row[column] = _rotate(values, cycle)
    else:  # overlapping_spell: a spell starting inside an existing one, ending inside it
        column = "entry_date"
        row[column] = _shift(row["entry_date"], 1)
        if row["exit_date"]:
            row["exit_date"] = row[column]
    return column


def _rotate(options: Sequence[_T], cycle: int) -> _T:
    return options[cycle % len(options)]


def _rekey(ctx: _Injection, kind: str, row: dict[str, str]) -> None:
    """Give the copy its own identity so it cannot clash with any good row."""
    if kind == "duplicate_key" or ctx.file == "idva_outcomes.csv":
        return
    row[FEED_HEADERS[ctx.file][0]] = _KEY_PREFIX[ctx.file].format(ctx.next_key)
    ctx.next_key += 1
    if ctx.file == "iom_register.csv" and kind != "overlapping_spell" and row["nominal_id"]:
        # A spell of a brand-new nominal: a copy for the same nominal would overlap.
        row["nominal_id"] = f"NOM-{FRESH_NOMINAL_BASE + ctx.fresh_nominals:07d}"
        ctx.fresh_nominals += 1


def _fits(
    ctx: _Injection, kind: str, row: dict[str, str], following: dict[str, str] | None
) -> bool:
    """Whether a template row can carry this defect without a second one."""
    if ctx.file == "custody_episodes.csv":
        # Only a copy of someone's latest episode, which starts with it and ends no
        # later than their record does, cannot overlap another of their episodes.
        return following is None or following["nominal_id"] != row["nominal_id"]
    if kind != "overlapping_spell":
        return True
    # The copy starts the day after the original and ends before it does.
    entry = date.fromisoformat(row["entry_date"]).toordinal()
    if not row["exit_date"]:
        return entry < ctx.extract
    return date.fromisoformat(row["exit_date"]).toordinal() >= entry + 2


def _inject_file(path: Path, ctx: _Injection, clean_rows: int, count: int) -> list[InjectedBadRow]:
    """Rewrite path with count defective copies spread evenly after good rows."""
    header = FEED_HEADERS[ctx.file]
    kinds = _KINDS[ctx.file]
    positions = [int((j + 0.5) * clean_rows / count) for j in range(count)]
    pending: list[int] = []
    injected: list[InjectedBadRow] = []
    line_no = 1
    tmp = path.with_name(path.name + ".tmp")

    def parse(line: str) -> dict[str, str]:
        return dict(zip(header, line.rstrip("\n").split(","), strict=True))

    with (
        path.open(encoding="utf-8", newline="") as src,
        tmp.open("w", encoding="utf-8", newline="\n") as dst,
    ):
        dst.write(next(src))
        current, index, next_j = next(src, None), 0, 0
        while current is not None:
            following = next(src, None)
            dst.write(current)
            line_no += 1
            while next_j < count and positions[next_j] <= index:
                pending.append(next_j)
                next_j += 1
            if pending:
                template = parse(current)
                after = parse(following) if following is not None else None
                waiting = []
                for j in pending:
                    kind = kinds[j % len(kinds)]
                    if not _fits(ctx, kind, template, after):
                        waiting.append(j)
                        continue
                    row = dict(template)
                    column = _apply_defect(ctx, kind, row, j)
                    _rekey(ctx, kind, row)
                    dst.write(",".join(row[c] for c in header) + "\n")
                    line_no += 1
                    injected.append(InjectedBadRow(ctx.file, line_no, column, kind))
                pending = waiting
            current, index = following, index + 1
    if pending:
        tmp.unlink()
        raise ValueError(
            f"{ctx.file}: no row can carry an injected {kinds[pending[0] % len(kinds)]}"
        )
    os.replace(tmp, path)
    return injected


# --- Entry point ----------------------------------------------------------------


def generate_landing(
    out_dir: Path,
    seed: int = DEFAULT_SEED,
    nominals: int = 484,
    extract_date: date = date(2019, 3, 31),
    bad_rows: float = 0.0,
) -> GenerationResult:
    """Write a complete, seeded landing folder (seven feeds and a manifest)."""
    if not 1 <= nominals <= 1_000_000:
        raise ValueError("nominals must be between 1 and 1,000,000")
    if not 0.0 <= bad_rows <= 0.5:
        raise ValueError("bad_rows is a share of rows between 0 and 0.5")
    if extract_date < DATA_START + timedelta(days=180):
        raise ValueError(f"extract_date must be at least six months after {DATA_START}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    world = _build_world(extract_date)
    feeds = _Feeds(out_dir)
    dv_quota, felt_safer = _Quota(rng, P_DV), _Quota(rng, FELT_SAFER_SHARE)
    try:
        for number, first_entry in enumerate(_draw_first_entries(rng, world, nominals), start=1):
            nominal = _simulate_nominal(rng, world, dv_quota, first_entry)
            nominal_id = f"NOM-{number:07d}"
            _write_register(feeds, world, nominal_id, nominal)
            _write_offences(feeds, world, nominal_id, nominal)
            _write_custody(feeds, world, nominal_id, nominal)
            _write_ppit(rng, feeds, world, nominal_id, nominal)
            _write_idva(rng, feeds, world, felt_safer, nominal_id, nominal)
            if number % _Feeds.FLUSH_EVERY == 0:
                feeds.flush()
    finally:
        feeds.close()
    clean = dict(feeds.counts)
    injected = _inject_all(out_dir, world, clean, bad_rows) if bad_rows > 0 else []
    rows = {name: clean[name] + sum(1 for b in injected if b.file == name) for name in FEED_HEADERS}
    _write_manifest(out_dir, extract_date, seed, rows)
    bad_file = out_dir / BAD_ROWS_FILE
    if injected:
        bad_file.write_text(
            json.dumps([asdict(b) for b in injected], indent=2) + "\n", encoding="utf-8"
        )
    elif bad_file.exists():
        bad_file.unlink()  # a stale list from an earlier run would describe other files
    return GenerationResult(out_dir, extract_date, rows, tuple(injected))


def _inject_all(
    out_dir: Path, world: _World, clean: dict[str, int], bad_rows: float
) -> list[InjectedBadRow]:
    injected: list[InjectedBadRow] = []
    for name in FEED_HEADERS:
        if clean[name] == 0:
            continue  # nothing to copy (a tiny run without DV nominals)
        count = max(1, round(bad_rows * clean[name]))
        ctx = _Injection(name, world.extract, clean[name] + 1)
        injected.extend(_inject_file(out_dir / name, ctx, clean[name], count))
    return injected


def _write_manifest(out_dir: Path, extract_date: date, seed: int, rows: dict[str, int]) -> None:
    manifest = {
        "extract_date": extract_date.isoformat(),
        "source": f"iom-warehouse synthetic demo generator (seed {seed})",
        "files": {
            name: {"rows": rows[name], "sha256": file_sha256(out_dir / name)}
            for name in FEED_HEADERS
        },
    }
    (out_dir / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


# --- Calibration ----------------------------------------------------------------
# Headline figures recomputed from the written CSVs (not from the simulation's own
# state) with the definitions of metrics.md. pandas is imported only here, so that
# writing a landing folder does not pay for it.

PUBLISHED: dict[str, str] = {
    "unique nominals": "484",
    "spells entering 2016 / 2017 / 2018": "133 / 156 / 179",
    "on IOM (open spell)": "282",
    "exited nominals": "229",
    "successful exit % of exited spells": "44.8",
    "re-entered nominals": "26",
    "mean entry score": "340.5",
    "mode entry band": "0-100",
    "mean mid score": "150-175 (cohorts 149.8 / 175.5 / 173.7)",
    "mean entry score 2016 / 2017 / 2018": "347 / 381 / 265",
    "mean mid score 2016 / 2017 / 2018": "149.8 / 175.5 / 173.7",
    "mid variance % 2016 / 2017 / 2018": "-56.8 / -53.9 / -34.4",
    "mean exit score": "85.8",
    "exit variance %": "-74.8",
    "mode exit band": "0-100",
    "mean reduction entry to exit": "-229.7",
    "DV nominals": "49",
    "DV washout nominals": "17",
    "live GENERIC / DV, Sep-18": "240 / 44",
    "in custody GENERIC / DV, Sep-18": "130 / 18",
    "live GENERIC / DV, Mar-19": "222 / 43",
    "in custody GENERIC / DV, Mar-19": "109 / 21",
    "in custody releasing to City / County North, Mar-19": "91 / 39",
    "watchlist Sep-18 / Mar-19": "180 / 191",
    "releases due GENERIC, SEP-NOV .. MAR-MAY": "31 25 16 20 30 49 43",
    "releases due DV, SEP-NOV .. MAR-MAY": "3 5 2 3 8 11 13",
    "DV PPIT reduction %": "-42",
    "closed IDVA cases": "36",
    "felt safer %": "86",
}
_COHORTS = (2016, 2017, 2018)


def calibrate(folder: Path) -> dict[str, float | str]:
    """Headline figures of a landing folder, keyed like PUBLISHED."""
    import pandas as pd

    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    as_of = pd.Timestamp(manifest["extract_date"])
    feeds = {
        name: pd.read_csv(folder / name, dtype=str, keep_default_na=False) for name in FEED_HEADERS
    }
    spells = _scored_spells(feeds, as_of)
    return {
        **_scorecard_figures(spells),
        **_cohort_figures(spells, feeds["custody_episodes.csv"], as_of),
        **_dv_service_figures(spells, feeds, as_of),
    }


def _rrs(feeds: dict[str, pd.DataFrame], nominal_ids: pd.Series, days: pd.Series) -> pd.Series:
    """rrs(n, d) of metrics.md for each (nominal, day) pair, in the pairs' order."""
    import numpy as np
    import pandas as pd

    matrix = pd.read_csv(
        OFFENCE_WEIGHTS, usecols=["valid_from", "offence_code", "weight", "weapon_uplift"]
    )
    matrix["version"] = pd.to_datetime(matrix["valid_from"])
    starts = np.sort(matrix["version"].unique())
    points = pd.DataFrame({"nominal_id": nominal_ids.to_numpy(), "day": days.to_numpy()})
    points["point"] = range(len(points))
    points["version"] = starts[np.searchsorted(starts, points["day"].to_numpy(), "right") - 1]

    def window_sum(feed: str, column: str, window: pd.DateOffset) -> pd.Series:
        joined = points.merge(feeds[feed], on="nominal_id").merge(
            matrix, on=["version", "offence_code"]
        )
        when = pd.to_datetime(joined[column])
        joined = joined[(when > joined["day"] - window) & (when <= joined["day"])]
        weight = joined["weight"] + joined["weapon_uplift"] * (joined["weapon_enabled"] == "Y")
        return weight.groupby(joined["point"]).sum().reindex(points["point"], fill_value=0)

    convictions = window_sum("convictions.csv", "conviction_date", pd.DateOffset(years=5))
    arrests = window_sum("arrests.csv", "arrest_date", pd.DateOffset(months=12))
    return pd.Series((convictions * arrests).to_numpy(), index=nominal_ids.index)


def _scored_spells(feeds: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame:
    import pandas as pd

    spells = feeds["iom_register.csv"].copy()
    spells["entry"] = pd.to_datetime(spells["entry_date"])
    spells["exit"] = pd.to_datetime(spells["exit_date"].replace("", None))
    spells["exited"] = spells["exit"].notna() & (spells["exit"] <= as_of)
    end = spells["exit"].where(spells["exited"], as_of)
    spells["mid"] = spells["entry"] + pd.to_timedelta((end - spells["entry"]).dt.days // 2, "D")
    spells["entry_score"] = _rrs(feeds, spells["nominal_id"], spells["entry"])
    spells["mid_score"] = _rrs(feeds, spells["nominal_id"], spells["mid"])
    spells["exit_score"] = _rrs(feeds, spells["nominal_id"], end).where(spells["exited"])
    return spells


def _mode_band(scores: pd.Series) -> str:
    counts = (scores.dropna() // 100).astype(int).value_counts()
    low = int(counts[counts == counts.max()].index.min())
    return f"{100 * low}-{100 * low + 100}"


def _scorecard_figures(spells: pd.DataFrame) -> dict[str, float | str]:
    exited = spells[spells["exited"]]
    open_ids = set(spells.loc[~spells["exited"], "nominal_id"])
    ordered = spells.sort_values(["nominal_id", "entry"])
    ended_before = ordered.groupby("nominal_id")["exit"].transform(lambda s: s.shift().cummax())
    cohort = spells["entry"].dt.year
    by_cohort = [spells[cohort == year] for year in _COHORTS]
    dv = spells[spells["scheme"] == "DV"]
    return {
        "unique nominals": spells["nominal_id"].nunique(),
        "spells entering 2016 / 2017 / 2018": " / ".join(str(len(c)) for c in by_cohort),
        "on IOM (open spell)": len(open_ids),
        "exited nominals": exited.loc[~exited["nominal_id"].isin(open_ids), "nominal_id"].nunique(),
        "successful exit % of exited spells": 100 * (exited["exit_reason"] == "SUCCESSFUL").mean(),
        "re-entered nominals": ordered.loc[ordered["entry"] > ended_before, "nominal_id"].nunique(),
        "mean entry score": spells["entry_score"].mean(),
        "mode entry band": _mode_band(spells["entry_score"]),
        "mean mid score": spells["mid_score"].mean(),
        "mean entry score 2016 / 2017 / 2018": " / ".join(
            f"{c['entry_score'].mean():.0f}" for c in by_cohort
        ),
        "mean mid score 2016 / 2017 / 2018": " / ".join(
            f"{c['mid_score'].mean():.1f}" for c in by_cohort
        ),
        "mid variance % 2016 / 2017 / 2018": " / ".join(
            f"{100 * (c['mid_score'].mean() / c['entry_score'].mean() - 1):.1f}" for c in by_cohort
        ),
        "mean exit score": exited["exit_score"].mean(),
        "exit variance %": 100 * (exited["exit_score"].mean() / exited["entry_score"].mean() - 1),
        "mode exit band": _mode_band(exited["exit_score"]),
        "mean reduction entry to exit": (exited["exit_score"] - exited["entry_score"]).mean(),
        "DV nominals": dv["nominal_id"].nunique(),
        "DV washout nominals": dv.loc[dv["exit_reason"] == "WASHOUT", "nominal_id"].nunique(),
    }


def _cohort_figures(
    spells: pd.DataFrame, custody: pd.DataFrame, as_of: pd.Timestamp
) -> dict[str, float | str]:
    """Figure B: the live cohort, custody, watchlist and releases due (cohort_monthly)."""
    import pandas as pd

    custody = custody.assign(
        start=pd.to_datetime(custody["custody_start_date"]),
        release=pd.to_datetime(custody["actual_release_date"].replace("", None)),
        earliest=pd.to_datetime(custody["earliest_release_date"]),
        sentence=custody["sentence_days"].astype(int),
    )

    def state(day: pd.Timestamp) -> pd.DataFrame:
        open_then = spells[
            (spells["entry"] <= day) & ~(spells["exit"].notna() & (spells["exit"] <= day))
        ]
        held = custody[
            (custody["start"] <= day) & (custody["release"].isna() | (custody["release"] > day))
        ]
        merged = open_then[["nominal_id", "scheme"]].merge(held, on="nominal_id", how="left")
        merged["watchlist"] = (merged["sentence"] > LONG_SENTENCE_DAYS) & (
            merged["earliest"] > day + pd.DateOffset(months=6)
        )
        return merged

    def split(frame: pd.DataFrame, column: str, values: tuple[str, ...]) -> str:
        return " / ".join(str(int((frame[column] == v).sum())) for v in values)

    figures: dict[str, float | str] = {}
    watchlist = []
    for label, day in (("Sep-18", "2018-09-30"), ("Mar-19", "2019-03-31")):
        now = state(pd.Timestamp(day))
        live = now[~now["watchlist"]]
        held = live[live["start"].notna()]
        figures[f"live GENERIC / DV, {label}"] = split(live, "scheme", ("GENERIC", "DV"))
        figures[f"in custody GENERIC / DV, {label}"] = split(held, "scheme", ("GENERIC", "DV"))
        watchlist.append(str(int(now["watchlist"].sum())))
    figures["in custody releasing to City / County North, Mar-19"] = split(
        held, "release_area", ("CITY", "COUNTY_NORTH")
    )
    figures["watchlist Sep-18 / Mar-19"] = " / ".join(watchlist)
    due: dict[str, list[str]] = {"GENERIC": [], "DV": []}
    for start in pd.date_range("2018-09-01", "2019-03-01", freq="MS"):
        now = state(start)
        in_window = (now["earliest"] >= start) & (now["earliest"] < start + pd.DateOffset(months=3))
        for scheme, counts in due.items():
            counts.append(str(int((in_window & (now["scheme"] == scheme)).sum())))
    figures["releases due GENERIC, SEP-NOV .. MAR-MAY"] = " ".join(due["GENERIC"])
    figures["releases due DV, SEP-NOV .. MAR-MAY"] = " ".join(due["DV"])
    return figures


def _dv_service_figures(
    spells: pd.DataFrame, feeds: dict[str, pd.DataFrame], as_of: pd.Timestamp
) -> dict[str, float | str]:
    """dv_ppit_reduction_pct and the IDVA figures of metrics.md."""
    import pandas as pd

    ppit = feeds["ppit_assessments.csv"]
    ppit = ppit.assign(
        day=pd.to_datetime(ppit["assessment_date"]), score=ppit["ppit_score"].astype(int)
    )
    exited_dv = spells[(spells["scheme"] == "DV") & spells["exited"]]
    pairs = exited_dv[["spell_id", "nominal_id", "entry", "exit"]].merge(ppit, on="nominal_id")
    base = pairs[
        (pairs["day"] >= pairs["entry"] - pd.Timedelta(days=90)) & (pairs["day"] <= pairs["exit"])
    ]
    first = base.sort_values("day").groupby("spell_id").first()[["day", "score"]]
    later = pairs.merge(first, left_on="spell_id", right_index=True, suffixes=("", "_base"))
    later = later[
        (later["day"] > later["day_base"]) & (later["day"] <= later["exit"] + pd.Timedelta(days=28))
    ]
    last = later.sort_values("day").groupby("spell_id").last()
    cases = feeds["idva_cases.csv"]
    closed = cases[
        (cases["closure_date"] != "") & (cases["closure_date"] <= as_of.strftime("%Y-%m-%d"))
    ]
    asked = closed[closed["felt_safer"] != ""]
    return {
        "DV PPIT reduction %": 100 * (last["score"].mean() / last["score_base"].mean() - 1),
        "closed IDVA cases": len(closed),
        "felt safer %": 100 * (asked["felt_safer"] == "Y").mean(),
    }


def _main(argv: list[str] | None = None) -> None:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help="landing folder (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--nominals", type=int, default=484)
    parser.add_argument("--extract-date", type=date.fromisoformat, default=date(2019, 3, 31))
    parser.add_argument("--calibrate", action="store_true", help="print generated vs published")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        result = generate_landing(out, args.seed, args.nominals, args.extract_date)
        print(json.dumps(result.rows, indent=2))
        if args.calibrate:
            print("| figure | generated | published |\n|---|---|---|")
            for name, value in calibrate(out).items():
                shown = f"{value:.1f}" if isinstance(value, float) else value
                print(f"| {name} | {shown} | {PUBLISHED[name]} |")


if __name__ == "__main__":
    _main()
