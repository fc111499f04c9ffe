"""Every contract rule of feeds.md, checked on one small file per feed with read_feed itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dagster_project.ingest.contract import OUTCOMES, feed_by_name, file_sha256, offence_codes
from dagster_project.ingest.validate import FeedFileError, ValidatedFeed, read_feed
from dagster_project.resources import FileEntry

EXTRACT = date(2019, 3, 31)


def fake_pseudonym(kind: str, value: str) -> str:
    return f"{kind}#{value[::-1]}"


def validate(tmp_path: Path, feed_name: str, lines: list[str], parents=None) -> ValidatedFeed:
    feed = feed_by_name(feed_name)
    path = tmp_path / feed.file_name
    path.write_text("\n".join([",".join(feed.header), *lines]) + "\n")
    entry = FileEntry(rows=len(lines), sha256=file_sha256(path))
    return read_feed(path, feed, entry, EXTRACT, fake_pseudonym, parents or {})


def reasons(result: ValidatedFeed) -> dict[int, tuple[str, str]]:
    return {r.line: (r.column, r.reason) for r in result.rejections}


def test_register_rules_quarantine_each_bad_spell_with_line_column_and_reason(tmp_path):
    result = validate(
        tmp_path,
        "iom_register",
        [
            "S1,NOM-1,GENERIC,CITY,2017-01-01,2017-06-30,SUCCESSFUL",  # 2 good
            "S2,NOM-1,DV,CITY,2017-06-30,,",  # 3 good: starts the day S1 ended
            "S3,NOM-2,GENERIC,CITY,2018-13-45,,",  # 4 unparseable date
            "S4,NOM-2,GENERIC,MOON,2018-01-01,,",  # 5 unknown area
            "S5,NOM-2,GENERIC,CITY,2018-05-01,2018-04-01,OTHER",  # 6 exit before entry
            "S6,NOM-2,GENERIC,CITY,2019-04-01,,",  # 7 after the extract date
            "S1,NOM-3,GENERIC,CITY,2018-01-01,,",  # 8 duplicate key
            "S7,NOM-1,GENERIC,CITY,2018-01-01,,",  # 9 overlaps open S2
            "S8,,GENERIC,CITY,2018-01-01,,",  # 10 missing nominal
            "S9,NOM-4,GENERIC,CITY,2018-01-01,2018-02-01,",  # 11 exit without reason
            "S10,NOM-4,GENERIC,CITY,2018-03-01,2018-04-01,WASHOUT",  # 12 washout on GENERIC
            "S11,NOM-5,GENERIC,CITY,2018-03-01",  # 13 too few fields
        ],
    )
    assert reasons(result) == {
        4: ("entry_date", "unparseable date (expected YYYY-MM-DD)"),
        5: ("area", "unknown value (allowed: CITY, COUNTY_NORTH, COUNTY_SOUTH)"),
        6: ("exit_date", "exit before entry"),
        7: ("entry_date", "event date after the extract date"),
        8: ("spell_id", "duplicate key"),
        9: ("entry_date", "overlaps an earlier spell"),
        10: ("nominal_id", "missing required value"),
        11: ("exit_reason", "missing exit_reason on an exited spell"),
        12: ("exit_reason", "WASHOUT applies to DV spells only"),
        13: ("*", "expected 7 fields, found 5"),
    }
    assert result.rows_in == 12
    assert result.rows_loaded == 2
    assert result.columns["spell_id"] == ["S1", "S2"]
    assert result.columns["nominal_key"] == ["nominal_key#1-MON", "nominal_key#1-MON"]
    assert "nominal_id" not in result.columns


def test_convictions_need_a_known_code_a_flag_and_an_offence_on_or_before_conviction(tmp_path):
    registered = {"iom_register": {fake_pseudonym("nominal_key", "NOM-1")}}
    result = validate(
        tmp_path,
        "convictions",
        [
            "C1,NOM-1,ROBBERY,2015-12-01,2016-01-01,Y",
            "C2,NOM-1,MURDER_MOST_FOUL,2015-12-01,2016-01-01,N",
            "C3,NOM-1,ROBBERY,2015-12-01,2016-01-01,maybe",
            # a person with no spell is part of the population, not an orphan
            "C4,NOM-9,ROBBERY,2015-12-01,2016-01-01,N",
            "C5,NOM-1,ROBBERY,2015-12-01,20160101,N",
            "C6,NOM-1,ROBBERY,2016-01-02,2016-01-01,N",  # offence the day after conviction
            "C7,NOM-1,ROBBERY,2016-01-01,2016-01-01,N",  # same day: fine
        ],
        registered,
    )
    assert reasons(result) == {
        3: ("offence_code", "unknown offence code (allowed: " + ", ".join(offence_codes()) + ")"),
        4: ("weapon_enabled", "unknown value (allowed: Y, N)"),
        6: ("conviction_date", "unparseable date (expected YYYY-MM-DD)"),
        7: ("offence_date", "offence after conviction"),
    }
    assert result.columns["conviction_id"] == ["C1", "C4", "C7"]


def test_population_events_load_but_ppit_of_a_person_without_a_spell_is_an_orphan(tmp_path):
    registered = {"iom_register": {fake_pseudonym("nominal_key", "NOM-1")}}
    arrests = validate(tmp_path, "arrests", ["A1,NOM-9,ROBBERY,2016-01-01,N"], registered)
    assert reasons(arrests) == {}
    custody = validate(
        tmp_path, "custody_episodes", ["CU1,NOM-9,2018-01-01,100,2018-03-01,,CITY,"], registered
    )
    assert reasons(custody) == {}
    ppit = validate(tmp_path, "ppit_assessments", ["P1,NOM-9,2018-01-01,40"], registered)
    assert reasons(ppit) == {2: ("nominal_id", "orphan: no matching row in iom_register")}


def test_custody_release_rules_allow_a_future_earliest_release(tmp_path):
    registered = {"iom_register": {fake_pseudonym("nominal_key", "NOM-1")}}
    result = validate(
        tmp_path,
        "custody_episodes",
        [
            "CU1,NOM-1,2018-01-01,2000,2021-01-01,,CITY,",  # 2 good: planned date in the future
            "CU2,NOM-1,2018-01-01,100,2018-03-01,2017-12-01,CITY,STANDARD",  # 3 release < start
            "CU3,NOM-1,2018-01-01,100,2018-03-01,,CITY,PAROLE",  # 4 type while in custody
            "CU4,NOM-1,2018-01-01,abc,2018-03-01,,CITY,",  # 5 bad integer
            "CU5,NOM-1,2018-01-01,0,2018-03-01,,CITY,",  # 6 below minimum
            "CU6,NOM-1,2018-01-01,100,2018-03-01,2018-03-02,CITY,",  # 7 released, no type
        ],
        registered,
    )
    assert reasons(result) == {
        3: ("actual_release_date", "release before custody start"),
        4: ("release_type", "release_type while still in custody"),
        5: ("sentence_days", "not an integer"),
        6: ("sentence_days", "below the minimum of 1"),
        7: ("release_type", "missing release_type on a released episode"),
    }


def test_ppit_score_range_and_idva_outcome_keys(tmp_path):
    registered = {"iom_register": {fake_pseudonym("nominal_key", "NOM-1")}}
    ppit = validate(
        tmp_path,
        "ppit_assessments",
        ["P1,NOM-1,2018-01-01,100", "P2,NOM-1,2018-01-01,101", "P3,NOM-1,2018-01-01,-1"],
        registered,
    )
    assert reasons(ppit) == {
        3: ("ppit_score", "above the maximum of 100"),
        4: ("ppit_score", "below the minimum of 0"),
    }
    cases = {"idva_cases": {fake_pseudonym("case_key", "IDVA-1")}}
    outcomes = validate(
        tmp_path,
        "idva_outcomes",
        [
            "IDVA-1,PHYSICAL,CESSATION",
            "IDVA-1,PHYSICAL,DONT_KNOW",
            "IDVA-2,PHYSICAL,CESSATION",
            "IDVA-1,EMOTIONAL,GOT_BETTER",
        ],
        cases,
    )
    assert reasons(outcomes) == {
        3: ("case_id,abuse_type", "duplicate key"),
        4: ("case_id", "orphan: no matching row in idva_cases"),
        5: ("outcome", f"unknown value (allowed: {', '.join(OUTCOMES)})"),
    }
    assert outcomes.columns["case_key"] == [fake_pseudonym("case_key", "IDVA-1")]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("header", "wrong header"),
        ("rows", "2 data rows but the manifest says 3"),
        ("hash", "sha256 does not match the manifest"),
        ("missing", "file missing from the landing folder"),
    ],
)
def test_a_broken_file_fails_as_a_whole_naming_the_file(tmp_path, damage, message):
    feed = feed_by_name("arrests")
    path = tmp_path / feed.file_name
    header = ",".join(feed.header)
    if damage == "header":
        header = header.replace("arrest_date", "date_of_arrest")
    path.write_text(header + "\nA1,NOM-1,ROBBERY,2018-01-01,N\nA2,NOM-1,THEFT,2018-01-01,N\n")
    entry = FileEntry(rows=3 if damage == "rows" else 2, sha256=file_sha256(path))
    if damage == "hash":
        entry = FileEntry(rows=2, sha256="0" * 64)
    if damage == "missing":
        path.unlink()
    with pytest.raises(FeedFileError) as error:
        read_feed(path, feed, entry, EXTRACT, fake_pseudonym, {"iom_register": set()})
    assert str(error.value).startswith("arrests.csv: ")
    assert message in str(error.value)
