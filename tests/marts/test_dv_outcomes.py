"""dv_outcomes, the DV PPIT pairing and the DVIOM scorecard rows on one hand-made landing folder.

The IDVA part reproduces the March 2019 appendix table of 36 closed cases; the published
sub-counts map to outcomes in the order not disclosed, cessation, don't know, significant
reduction, some reduction, so that every abuse type totals 36. As of 2019-03-31 with an
extract of 2019-06-30, so that closures and assessments after the as-of date can be landed.
"""

from datetime import date

import pytest

from tests.landing import spell, write_landing
from tests.marts.idva import (
    CESS,
    DK,
    ND,
    OUTCOMES,
    SIG,
    SOME,
    assessment,
    idva_case,
    outcome_rows,
    runs,
)
from tests.pipeline import PipelineRun, run_on

AS_OF = date(2019, 3, 31)


# The appendix table: cases per abuse type x outcome, 36 survivors.
PUBLISHED = {
    "PHYSICAL": {ND: 9, CESS: 20, DK: 6, SIG: 1},
    "EMOTIONAL": {ND: 4, CESS: 15, DK: 5, SIG: 10, SOME: 2},
    "FINANCIAL": {ND: 21, CESS: 9, DK: 3, SIG: 3},
    "SEXUAL": {ND: 23, CESS: 9, DK: 4},
    "JEALOUS_CONTROLLING": {ND: 14, CESS: 12, DK: 4, SIG: 4, SOME: 2},
    "STALKING": {ND: 16, CESS: 10, DK: 3, SIG: 4, SOME: 3},
}

CLOSED = [f"C{i:02d}" for i in range(1, 37)]


def dv(spell_id: str, nominal: str, entry: str, exit: str = "", reason: str = "") -> dict:
    return spell(spell_id, nominal, entry, exit, reason, scheme="DV")


def ppit_fixture() -> tuple[list[dict], list[dict]]:
    spells = [
        # window edges: entry - 91 days out, - 90 in; exit + 28 in, + 29 out -> 80 to 40
        dv("S1", "P1", "2018-01-01", "2018-12-31", "SUCCESSFUL"),
        # the only assessment is after exit: no baseline; P2's later DV spell is open
        dv("S2", "P2", "2018-03-01", "2018-09-30", "WASHOUT"),
        dv("S2b", "P2", "2018-10-01"),
        # baseline only: the second assessment is on the baseline's day, so not later
        dv("S3", "P3", "2018-02-01", "2018-08-31", "SUCCESSFUL"),
        # open on the as-of date: excluded
        dv("S4", "P4", "2018-06-01"),
        # exit after the as-of date: still open then, and not (yet) a washout
        dv("S5", "P5", "2018-05-01", "2019-05-15", "WASHOUT"),
        # baseline 31 days before entry, exit PPIT 20 days after exit -> 50 to 30
        dv("S6", "P6", "2017-06-01", "2018-06-30", "WASHOUT"),
        # an assessment after the as-of date inside the exit window is ignored -> 40 to 30
        dv("S7", "P7", "2018-09-01", "2019-03-20", "SUCCESSFUL"),
        # enters after the as-of date: not a DV nominal yet
        dv("S8", "P8", "2019-04-15"),
        # a GENERIC spell is no DV spell, whatever its assessments
        spell("S9", "G1", "2018-01-01", "2018-12-31", "SUCCESSFUL"),
        # the perpetrator linked to the IDVA cases
        dv("S10", "V1", "2018-01-01"),
    ]
    assessments = [
        assessment("A1a", "P1", "2017-10-02", 99),
        assessment("A1b", "P1", "2017-10-03", 80),
        assessment("A1c", "P1", "2018-06-01", 70),
        assessment("A1d", "P1", "2019-01-28", 40),
        assessment("A1e", "P1", "2019-01-29", 5),
        assessment("A2a", "P2", "2018-10-15", 50),
        assessment("A3a", "P3", "2018-02-10", 60),
        assessment("A3b", "P3", "2018-02-10", 30),
        assessment("A4a", "P4", "2018-06-10", 90),
        assessment("A4b", "P4", "2019-01-10", 20),
        assessment("A5a", "P5", "2018-05-02", 70),
        assessment("A5b", "P5", "2019-03-01", 35),
        assessment("A6a", "P6", "2017-05-01", 50),
        assessment("A6b", "P6", "2018-01-01", 45),
        assessment("A6c", "P6", "2018-07-20", 30),
        assessment("A7a", "P7", "2018-09-05", 40),
        assessment("A7b", "P7", "2019-03-10", 30),
        assessment("A7c", "P7", "2019-04-10", 10),
        assessment("A9a", "G1", "2018-01-05", 100),
        assessment("A9b", "G1", "2018-12-01", 0),
    ]
    return spells, assessments


def idva_fixture() -> tuple[list[dict], list[dict]]:
    felt = ["Y"] * 31 + ["N"] * 5
    cases = [
        idva_case(case_id, "V1", "2018-03-01", "2019-01-15", answer)
        for case_id, answer in zip(CLOSED, felt, strict=True)
    ]
    cases += [
        # still open: no closure date
        idva_case("OPEN1", "V1", "2018-06-01", "", "Y"),
        # closed after the as-of date: still open then
        idva_case("LATE1", "V1", "2018-06-01", "2019-05-01", "N"),
        # closed, not asked whether they felt safer, no outcome recorded
        idva_case("NOASK", "V1", "2018-06-01", "2019-02-01", ""),
    ]
    outcomes = list(
        outcome_rows(
            CLOSED, {abuse_type: runs(*counts.items()) for abuse_type, counts in PUBLISHED.items()}
        )
    )
    # outcomes of cases not closed by the as-of date would add a 37th case to every type
    outcomes += outcome_rows(["OPEN1", "LATE1"], {t: [CESS, CESS] for t in PUBLISHED})
    return cases, outcomes


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    spells, assessments = ppit_fixture()
    cases, outcomes = idva_fixture()
    landing = write_landing(
        tmp_path_factory.mktemp("dv") / "landing",
        {
            "iom_register": spells,
            "ppit_assessments": assessments,
            "idva_cases": cases,
            "idva_outcomes": outcomes,
        },
        extract_date=date(2019, 6, 30),
    )
    result = run_on(landing, tmp_path_factory.mktemp("dv_data"), as_of=AS_OF)
    assert result.outcome.success, result.outcome.failures
    return result


def outcome_table(run: PipelineRun, table: str = "marts.dv_outcomes") -> dict[tuple, dict]:
    return {(r["abuse_type"], r["outcome"]): r for r in run.dicts(f"select * from {table}")}


def scorecard(run: PipelineRun) -> dict[str, dict]:
    rows = run.dicts("select * from intermediate.int_scorecard_dv_metrics")
    return {r["metric"]: r for r in rows}


def test_dv_outcomes_has_every_abuse_type_and_outcome(run: PipelineRun) -> None:
    table = outcome_table(run)
    assert len(table) == 30
    assert {t for t, _ in table} == set(PUBLISHED)
    assert {o for _, o in table} == set(OUTCOMES)


def test_dv_outcomes_reproduces_the_published_counts(run: PipelineRun) -> None:
    table = outcome_table(run)
    for (abuse_type, outcome), row in table.items():
        assert row["cases"] == PUBLISHED[abuse_type].get(outcome, 0), (abuse_type, outcome)
        # open and late-closed cases are left out: 36, not 38
        assert row["total_cases"] == 36


def test_dv_outcomes_percentages_follow_from_their_counts(run: PipelineRun) -> None:
    table = outcome_table(run)
    # 20 / 36 = 55.555...
    assert round(table[("PHYSICAL", CESS)]["pct"], 2) == 55.56
    # 1 / 36 = 2.777...
    assert round(table[("PHYSICAL", SIG)]["pct"], 2) == 2.78
    # 23 / 36 = 63.888...
    assert round(table[("SEXUAL", ND)]["pct"], 2) == 63.89
    assert table[("SEXUAL", SOME)]["pct"] == 0
    # 3 / 36 = 8.333...
    assert round(table[("STALKING", SOME)]["pct"], 2) == 8.33
    # emotional cessation 15 + significant 10 = 25 / 36 = 69.444... (the report said 67%)
    assert {
        round(table[("EMOTIONAL", o)]["cessation_or_significant_pct"], 2) for o in OUTCOMES
    } == {69.44}
    # physical 20 + 1 = 21 / 36 = 58.333...; sexual 9 + 0 = 25.0
    assert round(table[("PHYSICAL", DK)]["cessation_or_significant_pct"], 2) == 58.33
    assert table[("SEXUAL", ND)]["cessation_or_significant_pct"] == 25.0
    for abuse_type in PUBLISHED:
        assert sum(table[(abuse_type, o)]["pct"] for o in OUTCOMES) == pytest.approx(100.0)


def test_felt_safer_is_31_of_36_asked_closed_cases(run: PipelineRun) -> None:
    row = scorecard(run)["idva_felt_safer_pct"]
    # the open case (Y), the late-closed case (N) and the closed unasked case are left out
    assert (row["numerator"], row["denominator"]) == (31, 36)
    assert round(row["value"], 2) == 86.11
    assert (row["section"], row["breakdown"], row["unit"]) == ("DVIOM", "all", "pct")


def test_ppit_pairs_respect_the_windows_and_skip_open_spells(run: PipelineRun) -> None:
    pairs = {r["spell_id"]: r for r in run.dicts("select * from intermediate.int_dv_ppit_pairs")}
    # exited DV spells only: S4, S2b, S5 (open at the as-of date), S8 (later), S9 (GENERIC) out
    assert set(pairs) == {"S1", "S2", "S3", "S6", "S7"}
    got = {
        spell_id: (r["baseline_ppit_score"], r["exit_ppit_score"], r["has_pair"])
        for spell_id, r in pairs.items()
    }
    assert got == {
        "S1": (80, 40, True),
        "S2": (None, None, False),
        "S3": (60, None, False),
        "S6": (50, 30, True),
        "S7": (40, 30, True),
    }
    assert pairs["S1"]["baseline_date"] == date(2017, 10, 3)
    assert pairs["S1"]["exit_assessment_date"] == date(2019, 1, 28)


def test_dv_ppit_reduction_pct_by_hand(run: PipelineRun) -> None:
    row = scorecard(run)["dv_ppit_reduction_pct"]
    # pairs (80, 40), (50, 30), (40, 30): mean baseline 170/3, mean exit 100/3
    assert row["denominator"] == pytest.approx(170 / 3)
    assert row["numerator"] == pytest.approx(100 / 3 - 170 / 3)
    # (100/3 - 170/3) / (170/3) = -70/170 = -41.176...%
    assert row["value"] == pytest.approx(-7000 / 170)
    assert row["unit"] == "pct"


def test_dv_nominal_counts(run: PipelineRun) -> None:
    rows = scorecard(run)
    # P1-P7 and V1 (P2 twice, counted once); P8 enters later; G1 is GENERIC
    assert rows["dv_nominals"]["value"] == 8
    # P2 and P6; P5's washout is after the as-of date
    assert rows["dv_washout_nominals"]["value"] == 2
    assert rows["dv_washout_nominals"]["numerator"] == 2
    assert rows["dv_washout_nominals"]["unit"] == "count"


def test_publishable_outcomes_hide_small_cells_and_are_published(run: PipelineRun) -> None:
    with run.published() as con:
        cursor = con.execute("select * from marts.dv_outcomes_publishable")
        names = [d[0] for d in cursor.description]
        table = {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
    physical = {o: table[("PHYSICAL", o)] for o in OUTCOMES}
    # 9, 6 and 1 are primary suppressed (three cells: no secondary needed); 20 and 0 shown
    assert {o: r["cases"] for o, r in physical.items()} == {
        ND: None,
        CESS: 20,
        SIG: None,
        SOME: 0,
        DK: None,
    }
    assert physical[SIG]["is_suppressed"] and physical[SIG]["pct"] is None
    assert physical[CESS]["total_cases"] == 36
    # significant reduction (1) is suppressed, so the combined share would reveal it
    assert physical[CESS]["cessation_or_significant_pct"] is None
    # sexual: 23, 9, 4, 0, 0 -> two small cells, no secondary; combined share 9/36 hidden
    assert table[("SEXUAL", ND)]["cases"] == 23
    assert table[("SEXUAL", CESS)]["cases"] is None


def test_idva_tables_hold_pseudonymous_case_keys_only(run: PipelineRun) -> None:
    raw_ids = {*CLOSED, "OPEN1", "LATE1", "NOASK"}
    for table in (
        "raw.idva_cases",
        "intermediate.int_idva_cases",
        "intermediate.int_idva_outcomes",
    ):
        keys = {key for (key,) in run.rows(f"select distinct case_key from {table}")}
        assert keys and not keys & raw_ids, table
    with run.published() as con:
        columns = {
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_name like 'dv_outcomes%'"
            ).fetchall()
        }
    assert "case_key" not in columns and "nominal_key" not in columns
