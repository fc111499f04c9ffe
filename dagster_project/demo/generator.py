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
from typing import TextIO, TypeVar

import numpy as np

from dagster_project.demo.defaults import DEFAULT_IOM_EFFECT, DEFAULT_POPULATION, DEFAULT_SEED
from dagster_project.demo.population import (
    BLOCK as POPULATION_BLOCK,
)
from dagster_project.demo.population import (
    OFFENCE_LAG_MEAN,
    RELEASE_TYPES,
    Justice,
    simulate_block,
)
from dagster_project.demo.scores import Events, score_points
from dagster_project.ingest.contract import (
    ABUSE_TYPES,
    MANIFEST_NAME,
    OUTCOMES,
    area_codes,
    feeds,
    file_sha256,
)
from dagster_project.settings import SEEDS_DIR

OFFENCE_WEIGHTS = SEEDS_DIR / "offence_weights.csv"

# The generator writes what the ingestion contract reads: one definition of the feeds.
FEED_HEADERS: dict[str, tuple[str, ...]] = {f.file_name: tuple(f.header) for f in feeds()}
BAD_ROWS_FILE = "_injected_bad_rows.json"
MAX_POPULATION = 5_000_000
# Identifier ranges: nominals from NOM-0000001 in entry order, candidates the panel passed
# over from NOM-1100001, the rest of the population from NOM-2000001 (bad rows use 8/9M).
PASSED_OVER_BASE = 1_100_000
POPULATION_BASE = 2_000_000
# The GENERIC panel sees this many candidates per place, beyond the places, each month,
# and judges them by log(1 + RRS) plus a term of this spread (some picks below 150).
PANEL_OVERSAMPLE = 0.15
PANEL_JUDGEMENT_SIGMA = 0.6
NOMINAL_BLOCK = 5000

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
    source: int  # the day of the arrest it follows from (thinning removes it with that arrest)


@dataclass(slots=True)
class _Spell:
    scheme: str
    entry: int
    exit: int | None = None
    reason: str = ""

    def manages(self, day: int) -> bool:
        # Offending after the entry day and before the exit is offending while managed;
        # the entry day itself belongs to the history the panel selected on.
        return self.entry < day and (self.exit is None or day < self.exit)


# An arrest: (day, code index, weapon, keep draw); a conviction:
# (conviction day, code index, weapon, offence day, day of the arrest it follows).
_Arrest = tuple[int, int, bool, float]
_Conviction = tuple[int, int, bool, int, int]


@dataclass(slots=True)
class _Nominal:
    area: str
    dv: bool
    arrests: list[_Arrest]
    convictions: list[_Conviction]
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
    """One candidate's offending and its consequences, simulated forward in time.

    Arrests are a Poisson process at the person's own long-run rate, raised in the year
    before the panel (a candidate is put forward *because* they are offending more than
    usual) and back at their own level afterwards: regression to the mean. Nothing
    happens in custody. Most are put forward when sentenced to custody for an index
    offence, so IOM manages them through the gate. This is the latent history, as if
    IOM did nothing; the IOM effect is applied afterwards by thinning (_thinned).
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
        self.weapon_factor = WEAPON_CARRIER_FACTOR if rng.random() < P_WEAPON_CARRIER else 0.5
        self.arrests: list[_Arrest] = []
        self.convictions: list[_Conviction] = []
        self.custody: list[_Custody] = []

    def run(self) -> None:
        rng, first_entry, extract = self.rng, self.first_entry, self.world.extract
        boost_from = first_entry - SELECTION_BOOST_DAYS
        index_day = (
            first_entry - rng.randint(*INDEX_ARREST_LEAD)
            if rng.random() < (P_INDEX_CUSTODY_DV if self.dv else P_INDEX_CUSTODY)
            else _NEVER
        )
        t = first_entry - HISTORY_DAYS
        while True:
            activity = SELECTION_BOOST if boost_from <= t < first_entry else 1.0
            t += 1 + int(rng.expovariate(self.rate * activity))
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

    def _offence_day(self, arrested: int) -> int:
        return arrested - int(self.rng.expovariate(1 / OFFENCE_LAG_MEAN))

    def _arrest(self, t: int) -> None:
        rng, world = self.rng, self.world
        code = _pick(rng, self.mix)
        weapon = rng.random() < world.weapon_share[code] * self.weapon_factor
        self.arrests.append((t, code, weapon, rng.random()))
        u = rng.random()
        if u < P_REMAND:
            held = rng.randint(*REMAND_DAYS)
            if not _overlaps(self.custody, t, t + held):
                self.custody.append(
                    _Custody(t, held, t + held, t + held, self.area, "REMAND_ENDED", t)
                )
        elif u < P_REMAND + P_CONVICTION:
            convicted = t + CONVICTION_LAG_MIN + int(rng.expovariate(1 / CONVICTION_LAG_MEAN))
            if convicted <= world.extract:
                self.convictions.append((convicted, code, weapon, self._offence_day(t), t))
                if rng.random() < world.custody_prob[code]:
                    self._sentence(convicted, world.sentence_median[code], weapon, t)

    def _index_offence(self, t: int) -> None:
        """The offence that gets the candidate put forward: convicted and jailed at entry."""
        rng = self.rng
        code = _pick(rng, self.mix)
        weapon = rng.random() < self.world.weapon_share[code] * self.weapon_factor
        self.arrests.append((t, code, weapon, rng.random()))
        convicted = self.first_entry - rng.randint(0, INDEX_CONVICTION_LEAD)
        self.convictions.append((convicted, code, weapon, self._offence_day(t), t))
        # Remand time counts towards the sentence, so the episode starts at arrest.
        start = t if rng.random() < P_INDEX_REMAND else convicted
        self._sentence(start, INDEX_SENTENCE_MEDIAN, weapon, t)

    def _sentence(self, start: int, median: float, weapon: bool, source: int) -> None:
        rng = self.rng
        median *= WEAPON_SENTENCE_FACTOR if weapon else 1.0
        sentence = int(rng.lognormvariate(math.log(median), SENTENCE_SIGMA))
        sentence = min(SENTENCE_MAX_DAYS, max(14, sentence))
        earliest, release, how = _release(rng, start, sentence)
        # A sentence passed while already inside runs concurrently: no new episode.
        if not _overlaps(self.custody, start, release):
            self.custody.append(
                _Custody(start, sentence, earliest, release, self.area, how, source)
            )
            if rng.random() < P_RECALL:
                self._recall(start + sentence, release, source)

    def _recall(self, sentence_end: int, released: int, source: int) -> None:
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
                _Custody(recalled, remaining, sentence_end, release, self.area, how, source)
            )


def _thinned(
    latent: _Nominal, spells: Sequence[_Spell], iom_effect: float
) -> tuple[list[_Arrest], list[_Conviction], list[_Custody]]:
    """The history with IOM's effect: each arrest while managed kept with chance iom_effect.

    Thinning a Poisson process by a constant chance multiplies its rate by it, and the
    keep draw is part of the latent history, so iom_effect changes nothing outside the
    spells. A dropped arrest takes its conviction and custody with it.
    """
    dropped = {
        a[0] for a in latent.arrests if a[3] >= iom_effect and any(s.manages(a[0]) for s in spells)
    }
    if not dropped:
        return latent.arrests, latent.convictions, latent.custody
    return (
        [a for a in latent.arrests if a[0] not in dropped],
        [c for c in latent.convictions if c[4] not in dropped],
        [c for c in latent.custody if c.source not in dropped],
    )


@dataclass
class _Candidate:
    """A person put forward to the panel, and what happens to them."""

    latent: _Nominal
    rng: random.Random  # their own stream: reviews, PPIT and IDVA
    entry_score: int = 0
    pending: _Spell | None = None


class _Reviewer:
    """Runs the spells of many nominals, scoring review days with the warehouse's RRS.

    A spell is reviewed about monthly until it ends. The score-based exits need the
    nominal's RRS on review days, which depends on the thinning up to that day only; so
    each round walks every pending spell once to list the days it may need a score for
    (with the rng state saved), scores them all in one compute_rrs call, and walks again
    for real from the saved state. A spell that exits may start the next spell, which is
    walked in the next round.
    """

    def __init__(self, world: _World, iom_effect: float) -> None:
        self.world, self.iom_effect = world, iom_effect

    def run(self, nominals: list[_Candidate]) -> None:
        for c in nominals:
            c.pending = _Spell("DV" if c.latent.dv else "GENERIC", c.latent.spells[0].entry)
            c.latent.spells.clear()
        pending = list(range(len(nominals)))
        while pending:
            histories = {}
            points: list[tuple[int, int]] = []
            states = {}
            for i in pending:
                c = nominals[i]
                assert c.pending is not None
                spells = [*c.latent.spells, c.pending]
                histories[i] = _thinned(c.latent, spells, self.iom_effect)
                states[i] = c.rng.getstate()
                points += [(i, d) for d in self._walk(c, histories[i][2], None)]
                c.rng.setstate(states[i])
            events = Events()
            for i in pending:
                arrests, convictions, _ = histories[i]
                events.add("arrest", i, arrests)
                events.add("conviction", i, convictions)
            people = np.asarray([p for p, _ in points], dtype=np.int64)
            days = np.asarray([d for _, d in points], dtype=np.int64)
            scores = score_points(OFFENCE_WEIGHTS, events, self.world.matrix.codes, people, days)
            scored: dict[int, dict[int, int]] = {i: {} for i in pending}
            for p, d, score in zip(people.tolist(), days.tolist(), scores.tolist(), strict=True):
                scored[p][d] = score
            next_round = []
            for i in pending:
                c = nominals[i]
                assert c.pending is not None
                spell = c.pending
                for _ in self._walk(c, histories[i][2], scored[i]):
                    pass
                c.latent.spells.append(spell)
                c.pending = self._next_spell(c, spell)
                if c.pending is not None:
                    next_round.append(i)
            pending = next_round

    def _walk(self, c: _Candidate, custody: list[_Custody], scores: dict[int, int] | None):
        """Review c.pending; yields the days a score is needed (scores None) or decides."""
        rng, world = c.rng, self.world
        spell = c.pending
        assert spell is not None
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
                if scores is not None:
                    spell.exit, spell.reason = day, reason
                return
            u -= P_OTHER_EXIT_PER_REVIEW
            if spell.scheme == "DV" and reviews >= WASHOUT_MIN_REVIEWS and u < P_WASHOUT_PER_REVIEW:
                if scores is not None:
                    spell.exit, spell.reason = day, "WASHOUT"
                return
            # Leaving on merit is judged at liberty: a low score inside proves nothing.
            if reviews < SUCCESS_MIN_REVIEWS or _custody_at(custody, day) is not None:
                continue
            u = rng.random()
            if u < P_SUCCESS_PER_REVIEW + P_DESELECT_PER_REVIEW:
                if scores is None:
                    yield day
                    continue
                score = scores[day]
                if score <= SUCCESS_THRESHOLD and u < P_SUCCESS_PER_REVIEW:
                    spell.exit, spell.reason = day, "SUCCESSFUL"
                    return
                if score <= DESELECT_THRESHOLD and u >= P_SUCCESS_PER_REVIEW:
                    spell.exit, spell.reason = day, "DESELECTED"
                    return

    def _next_spell(self, c: _Candidate, spell: _Spell) -> _Spell | None:
        rng, spells = c.rng, c.latent.spells
        if spell.exit is None or len(spells) == MAX_SPELLS or spell.reason == "DECEASED":
            return None
        if spell.reason == "WASHOUT" and rng.random() < P_WASHOUT_TO_GENERIC:
            return _Spell("GENERIC", spell.exit)
        if rng.random() >= P_REENTRY[spell.reason]:
            return None
        entry = spell.exit + REENTRY_GAP_MIN + int(rng.expovariate(1 / REENTRY_GAP_MEAN))
        if entry > self.world.extract:
            return None
        dv_again = c.latent.dv and rng.random() < P_REENTER_DV
        return _Spell("DV" if dv_again else "GENERIC", entry)


def _finish(nominal: _Nominal, iom_effect: float) -> _Nominal:
    """The recorded history: thinned by the spells, and nothing after a death."""
    arrests, convictions, custody = _thinned(nominal, nominal.spells, iom_effect)
    last = nominal.spells[-1]
    if last.reason == "DECEASED":
        died = last.exit
        assert died is not None
        arrests = [a for a in arrests if a[0] <= died]
        convictions = [c for c in convictions if c[0] <= died]
        custody = [c for c in custody if c.start <= died]
    return _Nominal(nominal.area, nominal.dv, arrests, convictions, custody, nominal.spells)


_OTHER_EXIT_CUM = _cumulative(OTHER_EXIT_WEIGHTS)


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


def _candidate(seed: int, number: int, world: _World, first_entry: int, dv: bool) -> _Candidate:
    # Each candidate has their own stream, so iom_effect or one panel decision moves
    # nobody else's history.
    rng = random.Random(f"{seed}:candidate:{number}")
    area = AREAS[_pick(rng, _AREA_CUM)]
    offender = _Offender(rng, world, first_entry, dv, area)
    offender.run()
    for c in offender.custody:
        if rng.random() < P_RELEASE_ELSEWHERE:
            c.area = AREAS[rng.randrange(len(AREAS))]
    spells = [_Spell("DV" if dv else "GENERIC", first_entry)]
    latent = _Nominal(area, dv, offender.arrests, offender.convictions, offender.custody, spells)
    return _Candidate(latent, rng)


_AREA_CUM = _cumulative(AREA_WEIGHTS)


def _panel(
    rng: random.Random, world: _World, candidates: list[_Candidate], places: dict[int, int]
) -> list[bool]:
    """Which GENERIC candidates the monthly panels take, mostly from the top of the RRS.

    Each month's panel fills its places from the month's candidates by score, with a
    judgement of its own (a random term on the log score), so some picks fall below
    the 150 threshold and some high scorers are passed over.
    """
    events = Events()
    for i, c in enumerate(candidates):
        events.add("arrest", i, c.latent.arrests)
        events.add("conviction", i, c.latent.convictions)
    entries = np.asarray([c.latent.spells[0].entry for c in candidates], dtype=np.int64)
    scores = score_points(
        OFFENCE_WEIGHTS, events, world.matrix.codes, np.arange(len(candidates)), entries
    )
    by_month: dict[int, list[tuple[float, int]]] = {}
    for i, c in enumerate(candidates):
        c.entry_score = int(scores[i])
        month = _month_of(c.latent.spells[0].entry)
        judged = math.log1p(c.entry_score) + rng.gauss(0.0, PANEL_JUDGEMENT_SIGMA)
        by_month.setdefault(month, []).append((-judged, i))
    taken = [False] * len(candidates)
    for month, ranked in by_month.items():
        for _, i in sorted(ranked)[: places.get(month, 0)]:
            taken[i] = True
    return taken


def _month_of(day: int) -> int:
    d = date.fromordinal(day)
    return d.year * 12 + d.month - 1


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

    def add_many(self, name: str, lines: list[str]) -> None:
        self.buffers[name].extend(lines)
        self.counts[name] += len(lines)

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
    buffer = feeds.buffers["convictions.csv"]
    key = feeds.counts["convictions.csv"]
    for day, code, weapon, offence, _ in nominal.convictions:
        key += 1
        buffer.append(
            f"CV-{key:07d},{nominal_id},{codes[code]},{iso[offence - base]},{iso[day - base]},"
            f"{'Y' if weapon else 'N'}\n"
        )
    feeds.counts["convictions.csv"] = key
    buffer = feeds.buffers["arrests.csv"]
    key = feeds.counts["arrests.csv"]
    for day, code, weapon, _ in nominal.arrests:
        key += 1
        buffer.append(
            f"AR-{key:07d},{nominal_id},{codes[code]},{iso[day - base]},{'Y' if weapon else 'N'}\n"
        )
    feeds.counts["arrests.csv"] = key


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
    "arrests.csv": (
        "missing_value",
        "bad_date",
        "unknown_code",
        "unknown_enum",
        "duplicate_key",
        "future_date",
    ),
    "convictions.csv": (
        "missing_value",
        "bad_date",
        "unknown_code",
        "unknown_enum",
        "duplicate_key",
        "future_date",
        "offence_after_conviction",
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

_MISSING_COLUMNS: dict[str, tuple[str, ...]] = {
    "iom_register.csv": ("nominal_id", "scheme", "area", "entry_date"),
    "convictions.csv": (
        "nominal_id",
        "offence_code",
        "offence_date",
        "conviction_date",
        "weapon_enabled",
    ),
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
    "convictions.csv": ("conviction_date", "offence_date"),
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
    elif kind == "offence_after_conviction":
        column = "offence_date"
        convicted = date.fromisoformat(row["conviction_date"]).toordinal()
        row[column] = date.fromordinal(min(ctx.extract, convicted + 1 + j % 30)).isoformat()
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
    if kind == "offence_after_conviction":
        # The offence moves after the court but not past the extract (a second defect).
        return date.fromisoformat(row["conviction_date"]).toordinal() < ctx.extract
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
    # Defects still pending found no row after their position that can carry them (say,
    # overlapping spells late in a small register, where every spell left is a day long):
    # they are left out, so the share is a target and the list names what is there.
    os.replace(tmp, path)
    return injected


# --- Entry point ----------------------------------------------------------------


def generate_landing(
    out_dir: Path,
    seed: int = DEFAULT_SEED,
    nominals: int = 484,
    extract_date: date = date(2019, 3, 31),
    bad_rows: float = 0.0,
    population: int = DEFAULT_POPULATION,
    iom_effect: float = DEFAULT_IOM_EFFECT,
) -> GenerationResult:
    """Write a complete, seeded landing folder (seven feeds and a manifest)."""
    if not 1 <= nominals <= 1_000_000:
        raise ValueError("nominals must be between 1 and 1,000,000")
    if not 0 <= population <= MAX_POPULATION:
        raise ValueError(f"population must be between 0 and {MAX_POPULATION:,}")
    if not 0.0 <= iom_effect <= 2.0:
        raise ValueError("iom_effect is a factor on the offending rate between 0 and 2")
    if not 0.0 <= bad_rows <= 0.5:
        raise ValueError("bad_rows is a share of rows between 0 and 0.5")
    if extract_date < DATA_START + timedelta(days=180):
        raise ValueError(f"extract_date must be at least six months after {DATA_START}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    world = _build_world(extract_date)
    feeds = _Feeds(out_dir)
    try:
        _write_nominals(rng, seed, world, feeds, nominals, iom_effect)
        _write_population(seed, world, feeds, population)
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


def _write_nominals(
    rng: random.Random, seed: int, world: _World, feeds: _Feeds, nominals: int, iom_effect: float
) -> None:
    """Candidates, monthly panels, spells, then every nominal's rows, a block of months at a time.

    DV nominals are taken as put forward (the DV panel selects on risk to a partner, the
    PPIT, not on the RRS); GENERIC places go to the best-judged of the month's candidates,
    and the candidates passed over stay in the population.
    """
    dv_quota, felt_safer = _Quota(rng, P_DV), _Quota(rng, FELT_SAFER_SHARE)
    entries = _draw_first_entries(rng, world, nominals)
    is_dv = [day >= world.dv_launch and dv_quota.take() for day in entries]
    generic = [day for day, dv in zip(entries, is_dv, strict=True) if not dv]
    places: dict[int, int] = {}
    for day in generic:
        places[_month_of(day)] = places.get(_month_of(day), 0) + 1
    extra = _draw_first_entries(rng, world, round(PANEL_OVERSAMPLE * len(generic)))
    dv_entries = [day for day, dv in zip(entries, is_dv, strict=True) if dv]
    put_forward = sorted([(d, False) for d in generic + extra] + [(d, True) for d in dv_entries])
    reviewer = _Reviewer(world, iom_effect)
    number = passed_over = 0
    start = 0
    while start < len(put_forward):
        # A block ends at a month boundary, so that each panel sees its whole month.
        end = min(len(put_forward), start + NOMINAL_BLOCK)
        while end < len(put_forward) and _month_of(put_forward[end][0]) == _month_of(
            put_forward[end - 1][0]
        ):
            end += 1
        block = [
            _candidate(seed, start + k, world, day, dv)
            for k, (day, dv) in enumerate(put_forward[start:end])
        ]
        generic_block = [c for c in block if not c.latent.dv]
        decisions = _panel(rng, world, generic_block, places)
        taken = dict(zip(map(id, generic_block), decisions, strict=True))
        chosen = [c for c in block if c.latent.dv or taken[id(c)]]
        reviewer.run(chosen)
        for c in chosen:
            number += 1
            nominal = _finish(c.latent, iom_effect)
            nominal_id = f"NOM-{number:07d}"
            _write_register(feeds, world, nominal_id, nominal)
            _write_offences(feeds, world, nominal_id, nominal)
            _write_custody(feeds, world, nominal_id, nominal)
            _write_ppit(c.rng, feeds, world, nominal_id, nominal)
            _write_idva(c.rng, feeds, world, felt_safer, nominal_id, nominal)
        for c in generic_block:
            if not taken[id(c)]:
                passed_over += 1
                person = f"NOM-{PASSED_OVER_BASE + passed_over:07d}"
                _write_offences(feeds, world, person, c.latent)
                _write_custody(feeds, world, person, c.latent)
        feeds.flush()
        start = end


def _justice(world: _World) -> Justice:
    import numpy as np

    return Justice(
        code_cum=np.asarray(world.generic_mix),
        weapon_share=np.asarray(world.weapon_share),
        custody_prob=np.asarray(world.custody_prob),
        sentence_median=np.asarray(world.sentence_median),
        p_remand=P_REMAND,
        remand_days=REMAND_DAYS,
        p_conviction=P_CONVICTION,
        conviction_lag_min=CONVICTION_LAG_MIN,
        conviction_lag_mean=CONVICTION_LAG_MEAN,
        sentence_sigma=SENTENCE_SIGMA,
        weapon_sentence_factor=WEAPON_SENTENCE_FACTOR,
        sentence_max_days=SENTENCE_MAX_DAYS,
        long_sentence_days=LONG_SENTENCE_DAYS,
        p_hdc=P_HDC,
        hdc_max_early_days=HDC_MAX_EARLY_DAYS,
        p_parole=P_PAROLE,
        p_end_of_sentence=P_END_OF_SENTENCE,
        p_weapon_carrier=P_WEAPON_CARRIER,
        weapon_carrier_factor=WEAPON_CARRIER_FACTOR,
        area_cum=np.asarray(_AREA_CUM),
        p_release_elsewhere=P_RELEASE_ELSEWHERE,
        n_areas=len(AREAS),
    )


def _write_population(seed: int, world: _World, feeds: _Feeds, population: int) -> None:
    """The people who are never nominals, a numpy block at a time (population.py)."""
    import numpy as np

    justice = _justice(world)
    first_day = world.data_start - HISTORY_DAYS
    iso = np.asarray(world.iso, dtype=object)
    codes = np.asarray(world.matrix.codes, dtype=object)
    flags = np.asarray(["N", "Y"], dtype=object)
    areas = np.asarray(AREAS, dtype=object)
    kinds = np.asarray(RELEASE_TYPES, dtype=object)
    base = world.date_base
    for number, offset in enumerate(range(0, population, POPULATION_BLOCK)):
        size = min(POPULATION_BLOCK, population - offset)
        block_rng = np.random.default_rng([seed, number])
        block = simulate_block(block_rng, justice, size, first_day, world.extract)
        ids = np.asarray(
            [f"NOM-{POPULATION_BASE + offset + k + 1:07d}" for k in range(size)], dtype=object
        )
        a = block.arrests
        key = feeds.counts["arrests.csv"]
        feeds.add_many(
            "arrests.csv",
            [
                f"AR-{key + k + 1:07d},{p},{c},{d},{w}\n"
                for k, (p, c, d, w) in enumerate(
                    zip(
                        ids[a["person"]],
                        codes[a["code"]],
                        iso[a["day"] - base],
                        flags[a["weapon"].astype(int)],
                        strict=True,
                    )
                )
            ],
        )
        v = block.convictions
        key = feeds.counts["convictions.csv"]
        feeds.add_many(
            "convictions.csv",
            [
                f"CV-{key + k + 1:07d},{p},{c},{o},{d},{w}\n"
                for k, (p, c, o, d, w) in enumerate(
                    zip(
                        ids[v["person"]],
                        codes[v["code"]],
                        iso[v["offence"] - base],
                        iso[v["day"] - base],
                        flags[v["weapon"].astype(int)],
                        strict=True,
                    )
                )
            ],
        )
        u = block.custody
        released = u["release"] <= world.extract
        release = np.where(released, iso[np.minimum(u["release"], world.extract) - base], "")
        how = np.where(released, kinds[u["kind"]], "")
        key = feeds.counts["custody_episodes.csv"]
        feeds.add_many(
            "custody_episodes.csv",
            [
                f"CU-{key + k + 1:07d},{p},{s},{n},{e},{r},{ar},{h}\n"
                for k, (p, s, n, e, r, ar, h) in enumerate(
                    zip(
                        ids[u["person"]],
                        iso[u["start"] - base],
                        u["sentence"].tolist(),
                        iso[u["earliest"] - base],
                        release,
                        areas[u["area"]],
                        how,
                        strict=True,
                    )
                )
            ],
        )
        feeds.flush()


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
