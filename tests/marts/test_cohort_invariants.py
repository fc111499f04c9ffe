"""Invariants of cohort_monthly and release_forecast on a seeded random landing folder (and
on the demo data), plus a check of every published cell against a plain-Python reading of
metrics.md over the same random rows."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from dagster_project.transform.dbt_files import COHORT_COLUMNS
from tests.landing import custody, spell, write_landing
from tests.pipeline import PipelineRun, run_on

AS_OF = date(2019, 3, 31)
AREAS = ("CITY", "COUNTY_NORTH", "COUNTY_SOUTH")


@dataclass(frozen=True)
class Spell:
    nominal: str
    scheme: str
    entry: date
    exit: date | None


@dataclass(frozen=True)
class Episode:
    nominal: str
    start: date
    sentence_days: int
    earliest: date
    actual: date | None
    area: str


def _month_end(day: date) -> date:
    return day + relativedelta(day=31)


def _random_day(rng: random.Random, low: date, high: date) -> date:
    day = low + timedelta(days=rng.randint(0, (high - low).days))
    # a third of the dates land on a month end, where the boundary rules bite
    return min(_month_end(day), high) if rng.random() < 0.33 else day


def random_rows(seed: int, nominals: int) -> tuple[list[Spell], list[Episode]]:
    rng = random.Random(seed)
    spells, episodes = [], []
    for n in range(nominals):
        nominal = f"R{n:03d}"
        entry = _random_day(rng, date(2017, 1, 1), AS_OF)
        for _ in range(rng.randint(1, 2)):
            exit_ = _random_day(rng, entry, AS_OF) if rng.random() < 0.5 else None
            spells.append(Spell(nominal, rng.choice(("GENERIC", "DV")), entry, exit_))
            if exit_ is None:
                break
            entry = exit_ + timedelta(days=rng.choice((0, 0, 20)))
            if entry > AS_OF:
                break
        start = _random_day(rng, date(2016, 6, 1), AS_OF)
        for _ in range(rng.randint(0, 2)):
            sentence = rng.choice((300, 900, 1461, 1462, 2500))
            earliest = start + timedelta(days=sentence // 2)
            if rng.random() < 0.2:  # exactly six calendar months after a month end
                earliest = _month_end(start) + relativedelta(months=6)
            actual = earliest + timedelta(days=rng.randint(-120, 20))
            actual = max(actual, start) if rng.random() < 0.7 else None
            if actual is not None and actual > AS_OF:
                actual = None
            episodes.append(Episode(nominal, start, sentence, earliest, actual, rng.choice(AREAS)))
            if actual is None or actual >= AS_OF:
                break
            start = actual + timedelta(days=rng.randint(1, 200))
            if start > AS_OF:
                break
    return spells, episodes


SPELLS, EPISODES = random_rows(seed=20190331, nominals=90)


def _status(at: date) -> dict[str, tuple[str, Episode | None]]:
    """nominal -> (scheme of the open spell, episode in custody or None) at a date."""
    status = {}
    for s in SPELLS:
        if s.entry <= at and (s.exit is None or s.exit > at):
            status[s.nominal] = (s.scheme, None)
    for e in EPISODES:
        if e.nominal in status and e.start <= at and (e.actual is None or e.actual > at):
            status[e.nominal] = (status[e.nominal][0], e)
    return status


def _months() -> list[date]:
    first = min(s.entry for s in SPELLS).replace(day=1)
    return [
        first + relativedelta(months=k)
        for k in range(120)
        if first + relativedelta(months=k) <= AS_OF
    ]


def expected_cohort_monthly() -> dict[tuple[date, str], tuple[int, ...]]:
    expected = {}
    for month_end in (_month_end(m) for m in _months() if _month_end(m) <= AS_OF):
        tally: dict[str, Counter] = {s: Counter() for s in ("GENERIC", "DV", "ALL")}
        for scheme, episode in _status(month_end).values():
            watch = (
                episode is not None
                and episode.sentence_days > 1461
                and episode.earliest > month_end + relativedelta(months=6)
            )
            for key in (scheme, "ALL"):
                tally[key]["watchlist" if watch else "live_cohort"] += 1
                tally[key]["live_plus_watchlist"] += 1
                if episode is not None and not watch:
                    tally[key]["in_custody"] += 1
                    tally[key][f"in_custody_release_{episode.area.lower()}"] += 1
        for key, counts in tally.items():
            expected[(month_end, key)] = tuple(counts[c] for c in COHORT_COLUMNS)
    return expected


def expected_release_forecast() -> dict[tuple[date, str, str], tuple[int, int | None]]:
    expected = {}
    for start in _months():
        end = _month_end(start + relativedelta(months=2))
        cells: Counter = Counter()
        for scheme, episode in _status(start).values():
            if episode is None:
                continue
            for key in ((s, a) for s in (scheme, "ALL") for a in (episode.area, "ALL")):
                cells[(*key, "due")] += start <= episode.earliest <= end
                cells[(*key, "actual")] += episode.actual is not None and (
                    start <= episode.actual <= end
                )
        for s in ("GENERIC", "DV", "ALL"):
            for a in (*AREAS, "ALL"):
                actual = cells[(s, a, "actual")] if end <= AS_OF else None
                expected[(start, s, a)] = (cells[(s, a, "due")], actual)
    return expected


@pytest.fixture(scope="module")
def random_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    folder = tmp_path_factory.mktemp("cohort_random")
    register = [
        spell(
            f"SP{i:04d}",
            s.nominal,
            s.entry.isoformat(),
            s.exit.isoformat() if s.exit else "",
            "DESELECTED" if s.exit else "",
            scheme=s.scheme,
        )
        for i, s in enumerate(SPELLS)
    ]
    episodes = [
        custody(
            f"CU{i:04d}",
            e.nominal,
            e.start.isoformat(),
            e.sentence_days,
            e.earliest.isoformat(),
            e.actual.isoformat() if e.actual else "",
            e.area,
            ("PAROLE" if e.actual < e.earliest else "STANDARD") if e.actual else "",
        )
        for i, e in enumerate(EPISODES)
    ]
    landing = write_landing(
        folder / "landing", {"iom_register": register, "custody_episodes": episodes}, AS_OF
    )
    result = run_on(landing, folder / "data")
    assert result.outcome.success, result.outcome.failures
    return result


def _cohort(run: PipelineRun) -> dict[tuple[date, str], tuple[int, ...]]:
    with run.published() as con:
        rows = con.execute(
            f"select month_end, scheme, {', '.join(COHORT_COLUMNS)} from marts.cohort_monthly "
            "where area = 'ALL'"
        ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def _forecast(run: PipelineRun) -> dict[tuple[date, str, str], tuple[int, int | None]]:
    with run.published() as con:
        rows = con.execute(
            "select window_start, scheme, release_area, due_releases, "
            "actual_releases from marts.release_forecast"
        ).fetchall()
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def assert_invariants(run: PipelineRun) -> None:
    cohort = _cohort(run)
    assert cohort
    for month_end in {key[0] for key in cohort}:
        generic, dv, total = (cohort[(month_end, s)] for s in ("GENERIC", "DV", "ALL"))
        # every nominal has one open spell, so one scheme, at a month end
        assert total == tuple(g + d for g, d in zip(generic, dv, strict=True)), month_end
        for row in (generic, dv, total):
            counts = dict(zip(COHORT_COLUMNS, row, strict=True))
            assert counts["live_plus_watchlist"] == counts["live_cohort"] + counts["watchlist"]
            assert counts["in_custody"] == sum(
                counts[f"in_custody_release_{a.lower()}"] for a in AREAS
            )
            assert counts["in_custody"] <= counts["live_cohort"]
    forecast = _forecast(run)
    for start in {key[0] for key in forecast}:
        for column in (0, 1):
            for area in (*AREAS, "ALL"):
                by_scheme = [forecast[(start, s, area)][column] for s in ("GENERIC", "DV")]
                if None not in by_scheme:
                    assert forecast[(start, "ALL", area)][column] == sum(by_scheme)
            for scheme in ("GENERIC", "DV", "ALL"):
                by_area = [forecast[(start, scheme, a)][column] for a in AREAS]
                if None not in by_area:
                    assert forecast[(start, scheme, "ALL")][column] == sum(by_area)
    # no nominal counted twice at a date
    assert (
        run.rows(
            "select status_date, nominal_key from intermediate.int_nominal_status "
            "group by all having count(*) > 1"
        )
        == []
    )


def test_random_landing_keeps_the_invariants(random_run: PipelineRun):
    assert_invariants(random_run)


def _mismatches(actual: dict, expected: dict) -> list[tuple]:
    # listed by key: pytest's own diff of two large dicts is slow and unreadable
    return [
        (k, actual.get(k), expected.get(k))
        for k in sorted(actual.keys() | expected.keys())
        if actual.get(k) != expected.get(k)
    ]


def test_random_landing_cohort_monthly_matches_the_definition(random_run: PipelineRun):
    assert _mismatches(_cohort(random_run), expected_cohort_monthly()) == []


def test_random_landing_release_forecast_matches_the_definition(random_run: PipelineRun):
    assert _mismatches(_forecast(random_run), expected_release_forecast()) == []


def test_demo_data_keeps_the_invariants(demo_run: PipelineRun):
    assert_invariants(demo_run)
