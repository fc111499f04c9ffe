"""The synthetic feed generator: seeded bytes, the manifest, the feed contract, bad rows.

The contract checker here is written from feeds.md, independently of the generator, so
that a generator bug cannot hide behind a shared helper.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dagster_project.demo.generator import GenerationResult, generate_landing
from tests.pipeline import PipelineRun

EXTRACT = date(2019, 3, 31)
SEED_MATRIX = Path(__file__).resolve().parents[2] / "dbt" / "seeds" / "offence_weights.csv"

HEADERS = {
    "iom_register.csv": [
        "spell_id",
        "nominal_id",
        "scheme",
        "area",
        "entry_date",
        "exit_date",
        "exit_reason",
    ],
    "convictions.csv": [
        "conviction_id",
        "nominal_id",
        "offence_code",
        "offence_date",
        "conviction_date",
        "weapon_enabled",
    ],
    "arrests.csv": ["arrest_id", "nominal_id", "offence_code", "arrest_date", "weapon_enabled"],
    "custody_episodes.csv": [
        "custody_id",
        "nominal_id",
        "custody_start_date",
        "sentence_days",
        "earliest_release_date",
        "actual_release_date",
        "release_area",
        "release_type",
    ],
    "ppit_assessments.csv": ["assessment_id", "nominal_id", "assessment_date", "ppit_score"],
    "idva_cases.csv": ["case_id", "nominal_id", "referral_date", "closure_date", "felt_safer"],
    "idva_outcomes.csv": ["case_id", "abuse_type", "outcome"],
}
OPTIONAL = {
    "iom_register.csv": {"exit_date", "exit_reason"},
    "custody_episodes.csv": {"actual_release_date", "release_type"},
    "idva_cases.csv": {"closure_date", "felt_safer"},
}
KEYS = {name: (header[0],) for name, header in HEADERS.items()}
KEYS["idva_outcomes.csv"] = ("case_id", "abuse_type")
DATES = {
    "iom_register.csv": ("entry_date", "exit_date"),
    "convictions.csv": ("offence_date", "conviction_date"),
    "arrests.csv": ("arrest_date",),
    "custody_episodes.csv": (
        "custody_start_date",
        "earliest_release_date",
        "actual_release_date",
    ),
    "ppit_assessments.csv": ("assessment_date",),
    "idva_cases.csv": ("referral_date", "closure_date"),
}
PLANNED_DATES = {"earliest_release_date"}  # may lie after the extract date
AREAS = {"CITY", "COUNTY_NORTH", "COUNTY_SOUTH"}
ENUMS = {
    "scheme": {"GENERIC", "DV"},
    "area": AREAS,
    "release_area": AREAS,
    "exit_reason": {"SUCCESSFUL", "WASHOUT", "DESELECTED", "TRANSFERRED", "DECEASED", "OTHER"},
    "weapon_enabled": {"Y", "N"},
    "release_type": {"STANDARD", "PAROLE", "HDC", "END_OF_SENTENCE", "REMAND_ENDED"},
    "felt_safer": {"Y", "N"},
    "abuse_type": {
        "PHYSICAL",
        "EMOTIONAL",
        "FINANCIAL",
        "SEXUAL",
        "JEALOUS_CONTROLLING",
        "STALKING",
    },
    "outcome": {
        "NOT_DISCLOSED",
        "CESSATION",
        "SIGNIFICANT_REDUCTION",
        "SOME_REDUCTION",
        "DONT_KNOW",
    },
}
KEY_FORMATS = {
    "spell_id": r"SP-\d{7}",
    "conviction_id": r"CV-\d{7}",
    "arrest_id": r"AR-\d{7}",
    "custody_id": r"CU-\d{7}",
    "assessment_id": r"PP-\d{7}",
    "case_id": r"IDVA-\d{6}",
    "nominal_id": r"NOM-\d{7}",
}
POPULATION_FEEDS = ("convictions.csv", "arrests.csv", "custody_episodes.csv")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAMED_IN_PROBLEM = {
    "missing_value",
    "bad_date",
    "future_date",
    "unknown_enum",
    "unknown_code",
    "bad_integer",
}


def offence_codes() -> set[str]:
    with SEED_MATRIX.open(newline="") as f:
        return {row["offence_code"] for row in csv.DictReader(f)}


def read_feed(folder: Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        for line, values in enumerate(reader, start=2):
            yield line, dict(zip(header, values, strict=True))


def parse_date(value: str) -> date | None:
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def row_problems(name: str, row: dict[str, str], extract: date, codes: set[str]) -> list[str]:
    """What is wrong with one row on its own."""
    problems = [
        f"missing {c}" for c, v in row.items() if v == "" and c not in OPTIONAL.get(name, set())
    ]
    days: dict[str, date] = {}
    for column in DATES.get(name, ()):
        if row[column] == "":
            continue
        parsed = parse_date(row[column])
        if parsed is None:
            problems.append(f"bad date {column}")
        elif parsed > extract and column not in PLANNED_DATES:
            problems.append(f"future {column}")
        else:
            days[column] = parsed
    for column, allowed in ENUMS.items():
        if row.get(column, "") != "" and row[column] not in allowed:
            problems.append(f"unknown {column}")
    if row.get("offence_code", "") != "" and row["offence_code"] not in codes:
        problems.append("unknown offence_code")
    if name == "iom_register.csv":
        if (row["exit_date"] == "") != (row["exit_reason"] == ""):
            problems.append("exit date and reason disagree")
        if "exit_date" in days and "entry_date" in days and days["exit_date"] < days["entry_date"]:
            problems.append("exit before entry")
        if row["exit_reason"] == "WASHOUT" and row["scheme"] != "DV":
            problems.append("washout from a GENERIC spell")
    offence, convicted = days.get("offence_date"), days.get("conviction_date")
    if offence and convicted and offence > convicted:
        problems.append("offence after conviction")
    if name == "custody_episodes.csv":
        sentence = row["sentence_days"]
        if sentence and (not re.fullmatch(r"\d+", sentence) or int(sentence) <= 0):
            problems.append("bad sentence_days")
        if (row["actual_release_date"] == "") != (row["release_type"] == ""):
            problems.append("release date and type disagree")
        start, released = days.get("custody_start_date"), days.get("actual_release_date")
        if start and released and released < start:
            problems.append("release before custody start")
        earliest = days.get("earliest_release_date")
        if start and earliest and earliest < start:
            problems.append("earliest release before custody start")
    score = row.get("ppit_score", "")
    if score and (not re.fullmatch(r"\d+", score) or int(score) > 100):
        problems.append("bad ppit_score")
    if name == "idva_cases.csv":
        referral, closure = days.get("referral_date"), days.get("closure_date")
        if referral and closure and closure < referral:
            problems.append("closure before referral")
    return problems


def contract_violations(folder: Path, extract: date = EXTRACT) -> dict[tuple[str, int], str]:
    """(file, line) of every row that breaks feeds.md, with the first reason found.

    Order of judgement, as a quarantine would do it: a row's own defects, then its
    key (the first good occurrence wins), then its foreign keys, then rules across
    rows (overlapping spells or custody episodes) among the rows still standing.
    """
    codes = offence_codes()
    bad: dict[tuple[str, int], str] = {}
    good: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for name in HEADERS:
        seen: set[tuple[str, ...]] = set()
        good[name] = []
        for line, row in read_feed(folder, name):
            problems = row_problems(name, row, extract, codes)
            key = tuple(row[c] for c in KEYS[name])
            if not problems and key in seen:
                problems.append("duplicate key")
            if problems:
                bad[(name, line)] = problems[0]
                continue
            seen.add(key)
            good[name].append((line, row))
    nominals = {row["nominal_id"] for _, row in good["iom_register.csv"]}
    closed_cases = {row["case_id"] for _, row in good["idva_cases.csv"] if row["closure_date"]}
    for name, rows in good.items():
        standing = []
        for line, row in rows:
            # Convictions, arrests and custody cover the whole population: never orphans.
            orphan = (
                row["case_id"] not in closed_cases
                if name == "idva_outcomes.csv"
                else name in ("ppit_assessments.csv", "idva_cases.csv")
                and row["nominal_id"] not in nominals
            )
            if orphan:
                bad[(name, line)] = "orphan foreign key"
            else:
                standing.append((line, row))
        good[name] = standing
    for line in overlapping(good["iom_register.csv"], "entry_date", "exit_date", touching=True):
        bad[("iom_register.csv", line)] = "overlapping spell"
    custody = good["custody_episodes.csv"]
    for line in overlapping(custody, "custody_start_date", "actual_release_date", touching=False):
        bad[("custody_episodes.csv", line)] = "two custody episodes at once"
    return bad


def overlapping(
    rows: list[tuple[int, dict[str, str]]], start: str, end: str, touching: bool
) -> Iterator[int]:
    """Lines of intervals that start before an earlier-starting one of the nominal ended.

    touching: whether the next interval may start on the day the previous one ended.
    """
    by_nominal: dict[str, list[tuple[date, int, date]]] = defaultdict(list)
    for line, row in rows:
        finish = date.fromisoformat(row[end]) if row[end] else date.max
        by_nominal[row["nominal_id"]].append((date.fromisoformat(row[start]), line, finish))
    for intervals in by_nominal.values():
        ended = date.min
        for begin, line, finish in sorted(intervals):
            if begin < ended or (begin == ended and not touching):
                yield line
            else:
                ended = max(ended, finish)


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate_landing(
        tmp_path_factory.mktemp("small") / "landing", seed=7, nominals=150, population=300
    )


@pytest.fixture(scope="module")
def default_scale(demo_generation: GenerationResult) -> GenerationResult:
    """The session's default demo landing (tests/conftest.py), generated once for every module."""
    return demo_generation


def test_same_seed_gives_the_same_bytes_and_another_seed_other_data(tmp_path: Path) -> None:
    first = generate_landing(tmp_path / "a", seed=11, nominals=120, bad_rows=0.05, population=200)
    again = generate_landing(tmp_path / "b", seed=11, nominals=120, bad_rows=0.05, population=200)
    other = generate_landing(tmp_path / "c", seed=12, nominals=120, bad_rows=0.05, population=200)
    assert file_bytes(first.out_dir) == file_bytes(again.out_dir)
    assert first.bad_rows == again.bad_rows
    ours, theirs = file_bytes(first.out_dir), file_bytes(other.out_dir)
    for name in HEADERS:
        assert ours[name] != theirs[name], name


def test_regenerating_into_a_used_folder_overwrites_it(tmp_path: Path) -> None:
    generate_landing(tmp_path / "used", seed=3, nominals=80, bad_rows=0.1, population=100)
    again = generate_landing(tmp_path / "used", seed=4, nominals=80, population=100)
    fresh = generate_landing(tmp_path / "fresh", seed=4, nominals=80, population=100)
    assert file_bytes(again.out_dir) == file_bytes(fresh.out_dir)
    assert not (again.out_dir / "_injected_bad_rows.json").exists()
    assert again.bad_rows == ()


def test_manifest_matches_the_files_and_headers_are_the_contract(small: GenerationResult) -> None:
    manifest = json.loads((small.out_dir / "_manifest.json").read_text())
    assert manifest["extract_date"] == "2019-03-31"
    assert manifest["source"] == "iom-warehouse synthetic demo generator (seed 7)"
    assert sorted(manifest["files"]) == sorted(HEADERS)
    for name, header in HEADERS.items():
        payload = (small.out_dir / name).read_bytes()
        assert b"\r" not in payload
        lines = payload.decode("utf-8").split("\n")
        assert lines[0].split(",") == header
        assert lines[-1] == "", "every line ends with a newline"
        entry = manifest["files"][name]
        assert entry["rows"] == len(lines) - 2 == small.rows[name]
        assert entry["sha256"] == hashlib.sha256(payload).hexdigest()
    expected = json.dumps(manifest, indent=2, sort_keys=True)
    assert (small.out_dir / "_manifest.json").read_text().strip() == expected


def test_clean_data_breaks_no_contract_rule(small: GenerationResult) -> None:
    assert contract_violations(small.out_dir) == {}
    assert all(rows > 0 for rows in small.rows.values()), small.rows


def test_clean_data_at_default_scale_breaks_no_contract_rule(
    default_scale: GenerationResult,
) -> None:
    assert contract_violations(default_scale.out_dir) == {}


def test_identifiers_keep_their_formats_and_stay_apart(small: GenerationResult) -> None:
    nominal_or_case = re.compile(r"NOM-\d{7}|IDVA-\d{6}")
    for name, header in HEADERS.items():
        for _, row in read_feed(small.out_dir, name):
            for column, value in row.items():
                if column in KEY_FORMATS:
                    assert re.fullmatch(KEY_FORMATS[column], value), (name, column, value)
            if header[0] not in ("nominal_id", "case_id"):
                assert not nominal_or_case.search(row[header[0]]), (name, row)


def test_every_nominal_has_a_spell_and_every_closed_case_all_six_outcomes(
    small: GenerationResult,
) -> None:
    register = {row["nominal_id"] for _, row in read_feed(small.out_dir, "iom_register.csv")}
    assert len(register) == 150
    closed = {
        row["case_id"]
        for _, row in read_feed(small.out_dir, "idva_cases.csv")
        if row["closure_date"]
    }
    outcomes: dict[str, set[str]] = defaultdict(set)
    for _, row in read_feed(small.out_dir, "idva_outcomes.csv"):
        outcomes[row["case_id"]].add(row["abuse_type"])
    assert set(outcomes) == closed
    assert all(types == ENUMS["abuse_type"] for types in outcomes.values())


def test_a_washed_out_dv_spell_can_be_followed_the_same_day(
    default_scale: GenerationResult,
) -> None:
    spells = defaultdict(list)
    for _, row in read_feed(default_scale.out_dir, "iom_register.csv"):
        spells[row["nominal_id"]].append(row)
    same_day = [
        (a, b)
        for rows in spells.values()
        for a, b in pairwise(rows)
        if a["exit_reason"] == "WASHOUT" and b["entry_date"] == a["exit_date"]
    ]
    assert same_day
    assert all(b["scheme"] == "GENERIC" for _, b in same_day)


@pytest.mark.parametrize("share", [0.02, 0.2])
def test_injected_rows_are_exactly_the_rows_that_break_the_contract(
    tmp_path: Path, share: float
) -> None:
    clean = generate_landing(tmp_path / "clean", seed=5, nominals=150, population=300)
    dirty = generate_landing(
        tmp_path / "dirty", seed=5, nominals=150, bad_rows=share, population=300
    )
    injected = {(b.file, b.line) for b in dirty.bad_rows}
    assert set(contract_violations(dirty.out_dir)) == injected
    for name in HEADERS:
        count = sum(1 for b in dirty.bad_rows if b.file == name)
        assert count == max(1, round(share * clean.rows[name])), name
        assert dirty.rows[name] == clean.rows[name] + count
        # Injected rows are additions: without them the file is the clean one.
        lines = (dirty.out_dir / name).read_bytes().split(b"\n")
        kept = [line for n, line in enumerate(lines, start=1) if (name, n) not in injected]
        assert b"\n".join(kept) == (clean.out_dir / name).read_bytes()
    # The population's rows get bad rows too (the spread reaches past the nominals' rows).
    register = {row["nominal_id"] for _, row in read_feed(clean.out_dir, "iom_register.csv")}
    for name in POPULATION_FEEDS:
        rows = dict(read_feed(dirty.out_dir, name))
        people = {rows[b.line]["nominal_id"] for b in dirty.bad_rows if b.file == name}
        assert people - register - {""}, name
    listed = json.loads((dirty.out_dir / "_injected_bad_rows.json").read_text())
    assert listed == [asdict(b) for b in dirty.bad_rows]
    assert (
        "_injected_bad_rows.json"
        not in json.loads((dirty.out_dir / "_manifest.json").read_text())["files"]
    )


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    nominals=st.integers(1, 60),
    share=st.sampled_from([0.0, 0.01, 0.1, 0.5]),
    extract=st.dates(date(2016, 7, 1), date(2022, 12, 31)),
    population=st.integers(0, 80),
    iom_effect=st.sampled_from([0.0, 0.5, 1.0]),
)
# Found by CI: half the rows bad in a small register leaves overlapping spells with no
# spell long enough to overlap after their position.
@example(
    seed=225441, nominals=40, share=0.5, extract=date(2018, 10, 1), population=0, iom_effect=0.0
)
def test_any_small_landing_is_clean_but_for_its_injected_rows(
    seed: int, nominals: int, share: float, extract: date, population: int, iom_effect: float
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        result = generate_landing(
            Path(scratch), seed, nominals, extract, share, population, iom_effect
        )
        injected = {(b.file, b.line) for b in result.bad_rows}
        assert set(contract_violations(result.out_dir, extract)) == injected


def test_each_injected_row_has_one_defect_in_the_column_it_names(tmp_path: Path) -> None:
    result = generate_landing(tmp_path, seed=5, nominals=150, bad_rows=0.2, population=300)
    codes = offence_codes()
    rows = {name: dict(read_feed(result.out_dir, name)) for name in HEADERS}
    kinds = defaultdict(set)
    for bad in result.bad_rows:
        kinds[bad.file].add(bad.kind)
        problems = row_problems(bad.file, rows[bad.file][bad.line], EXTRACT, codes)
        if bad.kind in ("duplicate_key", "orphan_foreign_key", "overlapping_spell"):
            assert problems == [], bad
            continue
        assert len(problems) == 1, (bad, problems)
        if bad.kind in NAMED_IN_PROBLEM:
            assert problems[0].endswith(bad.column), (bad, problems)
    assert kinds["iom_register.csv"] == {
        "missing_value",
        "bad_date",
        "unknown_enum",
        "duplicate_key",
        "future_date",
        "exit_before_entry",
        "overlapping_spell",
    }
    assert "unknown_code" in kinds["arrests.csv"]
    assert "offence_after_conviction" in kinds["convictions.csv"]
    assert "offence_after_conviction" not in kinds["arrests.csv"]
    assert "orphan_foreign_key" not in kinds["arrests.csv"] | kinds["custody_episodes.csv"]
    assert {"release_before_custody_start", "bad_integer"} <= kinds["custody_episodes.csv"]
    assert kinds["idva_outcomes.csv"] == {
        "missing_value",
        "unknown_enum",
        "duplicate_key",
        "orphan_foreign_key",
    }
    for bad in (b for b in result.bad_rows if b.kind == "duplicate_key"):
        feed = rows[bad.file]
        key = [feed[bad.line][c] for c in KEYS[bad.file]]
        first = min(n for n, row in feed.items() if [row[c] for c in KEYS[bad.file]] == key)
        assert first < bad.line, bad


def test_arguments_out_of_range_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_landing(tmp_path, nominals=0)
    with pytest.raises(ValueError):
        generate_landing(tmp_path, bad_rows=0.9)
    with pytest.raises(ValueError):
        generate_landing(tmp_path, extract_date=date(2016, 2, 1))
    with pytest.raises(ValueError):
        generate_landing(tmp_path, population=-1)
    with pytest.raises(ValueError):
        generate_landing(tmp_path, iom_effect=-0.1)


def test_default_scale_lands_near_the_published_headline(default_scale: GenerationResult) -> None:
    spells = [row for _, row in read_feed(default_scale.out_dir, "iom_register.csv")]
    on_iom = {s["nominal_id"] for s in spells if not s["exit_date"]}
    exited = {s["nominal_id"] for s in spells if s["exit_date"]} - on_iom
    dv = {s["nominal_id"] for s in spells if s["scheme"] == "DV"}
    cases = [row for _, row in read_feed(default_scale.out_dir, "idva_cases.csv")]
    closed = [c for c in cases if c["closure_date"]]
    assert len({s["nominal_id"] for s in spells}) == 484
    assert 240 <= len(on_iom) <= 320  # published 282
    assert 180 <= len(exited) <= 240  # published 229
    assert 42 <= len(dv) <= 56  # published 49
    assert 29 <= len(closed) <= 43  # published 36
    asked = [c["felt_safer"] for c in closed if c["felt_safer"]]
    assert math.isclose(asked.count("Y") / len(asked), 0.86, abs_tol=0.08)


# --- The population around the nominals --------------------------------------------


def people_of(folder: Path, name: str) -> set[str]:
    return {row["nominal_id"] for _, row in read_feed(folder, name)}


def test_population_is_in_the_offending_feeds_only_and_apart_from_the_nominals(
    small: GenerationResult,
) -> None:
    nominals = people_of(small.out_dir, "iom_register.csv")
    offenders = set().union(*(people_of(small.out_dir, name) for name in POPULATION_FEEDS))
    # Nominals are numbered from 1 in entry order; everyone else from 1,100,001 up (the
    # candidates a panel passed over, then the population from 2,000,001).
    assert nominals == {f"NOM-{n:07d}" for n in range(1, 151)}
    population = offenders - nominals
    assert all(int(p[4:]) > 1_100_000 for p in population)
    assert len({p for p in population if int(p[4:]) > 2_000_000}) > 250  # of 300 people
    assert people_of(small.out_dir, "ppit_assessments.csv") <= nominals
    assert people_of(small.out_dir, "idva_cases.csv") <= nominals


def test_nobody_is_arrested_while_in_custody(default_scale: GenerationResult) -> None:
    held: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for _, row in read_feed(default_scale.out_dir, "custody_episodes.csv"):
        release = row["actual_release_date"]
        held[row["nominal_id"]].append(
            (
                date.fromisoformat(row["custody_start_date"]),
                date.fromisoformat(release) if release else date.max,
            )
        )
    # The day an episode starts is the day of the arrest or court that put them inside (a
    # remand starts with its arrest); from the next day until release they are held.
    inside = [
        row["arrest_id"]
        for _, row in read_feed(default_scale.out_dir, "arrests.csv")
        if any(
            start < date.fromisoformat(row["arrest_date"]) < release
            for start, release in held.get(row["nominal_id"], ())
        )
    ]
    assert inside == []
    assert len(held) > 5000  # the check covers the population, not just the nominals


def years_back(day: date, years: int) -> date:
    # Calendar arithmetic as metrics.md: 29 Feb minus a year is 28 Feb.
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Scorer:
    """rrs(n, d) written here from metrics.md, independently of the warehouse's SQL."""

    def __init__(self, folder: Path) -> None:
        with SEED_MATRIX.open(newline="") as f:
            self.matrix = [
                (
                    date.fromisoformat(r["valid_from"]),
                    date.fromisoformat(r["valid_to"]) if r["valid_to"] else date.max,
                    r["offence_code"],
                    int(r["weight"]),
                    int(r["weapon_uplift"]),
                )
                for r in csv.DictReader(f)
            ]
        self.events: dict[str, list[tuple[str, date, str, bool]]] = defaultdict(list)
        for name, column, kind in (
            ("convictions.csv", "conviction_date", "C"),
            ("arrests.csv", "arrest_date", "A"),
        ):
            for _, row in read_feed(folder, name):
                self.events[row["nominal_id"]].append(
                    (
                        kind,
                        date.fromisoformat(row[column]),
                        row["offence_code"],
                        row["weapon_enabled"] == "Y",
                    )
                )

    def rrs(self, person: str, day: date) -> int:
        weights = {
            code: (weight, uplift)
            for start, end, code, weight, uplift in self.matrix
            if start <= day < end
        }
        sums = {"C": 0, "A": 0}
        since = {"C": years_back(day, 5), "A": years_back(day, 1)}
        for kind, when, code, weapon in self.events.get(person, ()):
            if since[kind] < when <= day:
                weight, uplift = weights[code]
                sums[kind] += weight + (uplift if weapon else 0)
        return sums["C"] * sums["A"]


def test_nominals_are_selected_mostly_from_the_top_of_the_population_scores(
    default_scale: GenerationResult,
) -> None:
    folder = default_scale.out_dir
    scorer = Scorer(folder)
    first: dict[str, dict[str, str]] = {}
    for _, row in read_feed(folder, "iom_register.csv"):
        first.setdefault(row["nominal_id"], row)
    generic = [row for row in first.values() if row["scheme"] == "GENERIC"]
    entry = [
        scorer.rrs(row["nominal_id"], date.fromisoformat(row["entry_date"])) for row in generic
    ]
    nominals = set(first)
    population = sorted(p for p in scorer.events if p not in nominals)
    # The population's scores on one day in the middle of the series. Nearly half of the
    # population scores 0 on any day (no arrest in 12 months), so its top fifth starts at
    # ~50 and its top tenth at ~120. A panel picks from that top but judges (and the
    # published mode entry band, 0-100, says many real nominals enter low): we ask that
    # three quarters of GENERIC nominals enter in the population's top fifth, half in its
    # top tenth, and that some enter below the 150 threshold. (Measured on the default
    # demo: 81% and 66%, 40% below 150.)
    scores = sorted(scorer.rrs(p, date(2017, 6, 30)) for p in population)
    top_fifth, top_tenth = scores[int(0.8 * len(scores))], scores[int(0.9 * len(scores))]
    assert sum(score >= top_fifth for score in entry) >= 0.75 * len(entry), top_fifth
    assert sum(score >= top_tenth for score in entry) >= 0.5 * len(entry), top_tenth
    assert any(score < 150 for score in entry)


def spells_of(folder: Path) -> dict[str, list[tuple[date, date]]]:
    spells: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for _, row in read_feed(folder, "iom_register.csv"):
        exit_date = row["exit_date"]
        spells[row["nominal_id"]].append(
            (
                date.fromisoformat(row["entry_date"]),
                date.fromisoformat(exit_date) if exit_date else date.max,
            )
        )
    return spells


def arrests_of(folder: Path) -> dict[str, list[tuple[str, str, str]]]:
    arrests: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for _, row in read_feed(folder, "arrests.csv"):
        arrests[row["nominal_id"]].append(
            (row["arrest_date"], row["offence_code"], row["weapon_enabled"])
        )
    return arrests


def test_iom_effect_changes_offending_only_while_on_iom(tmp_path: Path) -> None:
    # Six nominals and twenty other people; IOM that does nothing (1.0) against IOM that
    # stops all offending (0.0). Everyone's latent history is the same draw, so: the
    # population is byte for byte the same, and a nominal's arrests under 0.0 are those
    # under 1.0 minus exactly the ones strictly inside a spell (after entry, before exit).
    none = generate_landing(tmp_path / "none", seed=3, nominals=6, population=20, iom_effect=1.0)
    full = generate_landing(tmp_path / "full", seed=3, nominals=6, population=20, iom_effect=0.0)
    nominals = people_of(full.out_dir, "iom_register.csv")
    with_effect, without = arrests_of(full.out_dir), arrests_of(none.out_dir)
    for person in set(with_effect) | set(without):
        if person not in nominals:
            assert with_effect[person] == without[person], person
    spells = spells_of(full.out_dir)
    removed = 0
    for person in nominals:
        kept = set(with_effect.get(person, []))
        assert kept <= set(without.get(person, []))
        for day, _, _ in set(without.get(person, [])) - kept:
            d = date.fromisoformat(day)
            assert any(entry < d < end for entry, end in spells[person]), (person, day)
            removed += 1
        for day, _, _ in kept:
            d = date.fromisoformat(day)
            assert not any(entry < d < end for entry, end in spells[person]), (person, day)
    assert removed > 0  # six nominals managed for months do offend when IOM does nothing


def test_population_keeps_its_bytes_whatever_the_nominals_and_the_effect(tmp_path: Path) -> None:
    a = generate_landing(tmp_path / "a", seed=9, nominals=10, population=150, iom_effect=0.5)
    b = generate_landing(tmp_path / "b", seed=9, nominals=10, population=150, iom_effect=0.9)
    c = generate_landing(tmp_path / "c", seed=9, nominals=10, population=150, iom_effect=0.5)
    assert file_bytes(a.out_dir) == file_bytes(c.out_dir)
    assert file_bytes(a.out_dir) != file_bytes(b.out_dir)

    def population_rows(folder: Path) -> list[tuple[str, ...]]:
        return [
            tuple(v for k, v in row.items() if k != "arrest_id")
            for _, row in read_feed(folder, "arrests.csv")
            if int(row["nominal_id"][4:]) > 2_000_000
        ]

    assert population_rows(a.out_dir) == population_rows(b.out_dir)
    assert len(population_rows(a.out_dir)) > 150


def test_convictions_follow_their_offences_by_days_to_months(
    default_scale: GenerationResult,
) -> None:
    gaps = sorted(
        (date.fromisoformat(row["conviction_date"]) - date.fromisoformat(row["offence_date"])).days
        for _, row in read_feed(default_scale.out_dir, "convictions.csv")
    )
    median = gaps[len(gaps) // 2]
    # offence -> arrest ~Exp(7 days), arrest -> court 14 days + Exp(60): median ~60 days
    assert gaps[0] >= 0
    assert 30 <= median <= 120, median
    assert gaps[int(0.95 * len(gaps))] > 150


def test_the_pipeline_quarantines_nothing_of_the_default_demo(demo_run: PipelineRun):
    assert demo_run.rows("select count(*) from quarantine.rejected_rows") == [(0,)]
