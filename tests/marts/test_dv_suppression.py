"""dv_outcomes_publishable: small numbers about survivors are suppressed so that no suppressed
count can be worked back out from what is published, while dv_outcomes keeps true counts.

One landing folder of 25 closed cases (threshold 10):
- PHYSICAL recorded for 3 cases only, all cessation: the cell 3 and its total 3 reveal
  each other, so both go (and the other 22 cases, missing the type, are not in its total);
- EMOTIONAL 12 / 10 / 3 (not disclosed / cessation / don't know): one small cell, so the
  smallest other non-zero cell (10) goes with it;
- FINANCIAL 17 / 4 / 4 (not disclosed / don't know / some reduction): two small cells hide
  each other, nothing else goes;
- SEXUAL 25 not disclosed, JEALOUS_CONTROLLING 15 / 10: nothing to hide;
- STALKING recorded for no case: total 0, percentages empty.
"""

import pytest

from tests.landing import spell, write_landing
from tests.marts.idva import CESS, DK, ND, OUTCOMES, SIG, SOME, idva_case, outcome_rows, runs
from tests.pipeline import PipelineRun, run_on

CASES = [f"K{i:02d}" for i in range(1, 26)]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    outcomes = outcome_rows(
        CASES,
        {
            "PHYSICAL": runs((CESS, 3)),
            "EMOTIONAL": runs((ND, 12), (CESS, 10), (DK, 3)),
            "FINANCIAL": runs((ND, 17), (DK, 4), (SOME, 4)),
            "SEXUAL": runs((ND, 25)),
            "JEALOUS_CONTROLLING": runs((ND, 15), (CESS, 10)),
        },
    )
    landing = write_landing(
        tmp_path_factory.mktemp("dv_suppression") / "landing",
        {
            "iom_register": [spell("S1", "V1", "2018-01-01", scheme="DV")],
            "idva_cases": [idva_case(c, "V1", "2018-02-01", "2019-01-31", "Y") for c in CASES],
            "idva_outcomes": list(outcomes),
        },
    )
    result = run_on(landing, tmp_path_factory.mktemp("dv_suppression_data"))
    assert result.outcome.success, result.outcome.failures
    return result


def table(run: PipelineRun, name: str, abuse_type: str) -> dict[str, dict]:
    rows = run.dicts(f"select * from marts.{name} where abuse_type = ?", [abuse_type])
    return {r["outcome"]: r for r in rows}


def test_cell_of_three_and_its_total_are_both_suppressed(run: PipelineRun) -> None:
    published = table(run, "dv_outcomes_publishable", "PHYSICAL")
    assert {o: r["cases"] for o, r in published.items()} == dict.fromkeys(OUTCOMES)
    assert all(r["is_suppressed"] for r in published.values())
    assert {r["total_cases"] for r in published.values()} == {None}
    assert {r["pct"] for r in published.values()} == {None}
    assert {r["cessation_or_significant_pct"] for r in published.values()} == {None}


def test_internal_mart_keeps_the_true_three(run: PipelineRun) -> None:
    internal = table(run, "dv_outcomes", "PHYSICAL")
    assert internal[CESS]["cases"] == 3
    # the 22 cases with no PHYSICAL outcome are not in its total
    assert internal[CESS]["total_cases"] == 3
    assert internal[CESS]["pct"] == 100.0


def test_lone_small_cell_takes_the_next_smallest_cell_with_it(run: PipelineRun) -> None:
    published = table(run, "dv_outcomes_publishable", "EMOTIONAL")
    assert {o: r["cases"] for o, r in published.items()} == {
        ND: 12,
        CESS: None,
        SIG: 0,
        SOME: 0,
        DK: None,
    }
    assert published[ND]["total_cases"] == 25
    # 12 / 25
    assert published[ND]["pct"] == pytest.approx(48.0)
    assert published[CESS]["pct"] is None and published[DK]["pct"] is None
    # cessation (10) is suppressed, so its share would give it away
    assert published[ND]["cessation_or_significant_pct"] is None
    assert table(run, "dv_outcomes", "EMOTIONAL")[CESS]["cessation_or_significant_pct"] == 40.0


def test_two_small_cells_need_no_secondary_suppression(run: PipelineRun) -> None:
    published = table(run, "dv_outcomes_publishable", "FINANCIAL")
    assert {o: r["cases"] for o, r in published.items()} == {
        ND: 17,
        CESS: 0,
        SIG: 0,
        SOME: None,
        DK: None,
    }
    # (0 + 0) / 25
    assert published[ND]["cessation_or_significant_pct"] == 0.0


def test_rows_without_small_cells_are_published_whole(run: PipelineRun) -> None:
    for abuse_type in ("SEXUAL", "JEALOUS_CONTROLLING"):
        published = table(run, "dv_outcomes_publishable", abuse_type)
        internal = table(run, "dv_outcomes", abuse_type)
        assert not any(r["is_suppressed"] for r in published.values())
        assert {o: r["cases"] for o, r in published.items()} == {
            o: r["cases"] for o, r in internal.items()
        }
    # 10 / 25
    jealous = table(run, "dv_outcomes_publishable", "JEALOUS_CONTROLLING")
    assert jealous[CESS]["cessation_or_significant_pct"] == pytest.approx(40.0)


def test_abuse_type_recorded_for_no_case_has_no_percentages(run: PipelineRun) -> None:
    for name in ("dv_outcomes", "dv_outcomes_publishable"):
        rows = table(run, name, "STALKING")
        assert {r["cases"] for r in rows.values()} == {0}
        assert {r["total_cases"] for r in rows.values()} == {0}
        assert {r["pct"] for r in rows.values()} == {None}
        assert {r["cessation_or_significant_pct"] for r in rows.values()} == {None}
