"""Builders for PPIT and IDVA feed rows used by the DV tests."""

from collections.abc import Iterator, Mapping, Sequence

# the outcomes of feeds.md, in the order the appendix table lists its sub-counts
ND, CESS, DK, SIG, SOME = (
    "NOT_DISCLOSED",
    "CESSATION",
    "DONT_KNOW",
    "SIGNIFICANT_REDUCTION",
    "SOME_REDUCTION",
)
OUTCOMES = (ND, CESS, DK, SIG, SOME)


def assessment(assessment_id: str, nominal: str, on: str, score: int) -> dict[str, str]:
    return {
        "assessment_id": assessment_id,
        "nominal_id": nominal,
        "assessment_date": on,
        "ppit_score": str(score),
    }


def idva_case(
    case_id: str, nominal: str, referral: str, closure: str = "", felt_safer: str = ""
) -> dict[str, str]:
    return {
        "case_id": case_id,
        "nominal_id": nominal,
        "referral_date": referral,
        "closure_date": closure,
        "felt_safer": felt_safer,
    }


def runs(*counts: tuple[str, int]) -> list[str]:
    """An outcome per case in order, from (outcome, how many cases) runs."""
    return [outcome for outcome, n in counts for _ in range(n)]


def outcome_rows(
    case_ids: Sequence[str], outcomes_by_type: Mapping[str, Sequence[str]]
) -> Iterator[dict[str, str]]:
    """Outcome i of each abuse type goes to case i; a type with fewer outcomes than cases is
    not recorded for the remaining cases."""
    for abuse_type, outcomes in outcomes_by_type.items():
        for case_id, outcome in zip(case_ids, outcomes, strict=False):
            yield {"case_id": case_id, "abuse_type": abuse_type, "outcome": outcome}
