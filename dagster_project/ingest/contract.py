"""The source feed contract of feeds.md, written down as data."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path

from dagster_project.settings import SEEDS_DIR

# The landing folder's manifest: rows and SHA-256 of every file, and the extract date.
MANIFEST_NAME = "_manifest.json"


def file_sha256(path: Path) -> str:
    """The hash the manifest records for a file (read in blocks: extracts can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Kind(Enum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    ENUM = "enum"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = True
    allowed: tuple[str, ...] = ()
    # An event date must not be after the extract date; planned dates may be.
    event_date: bool = False
    minimum: int | None = None
    maximum: int | None = None
    # Identifiers of people are replaced by a keyed pseudonym under this name.
    pseudonym: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent_feed: str


@dataclass(frozen=True)
class Feed:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    description: str = ""
    source_system: str = ""
    upstream: tuple[str, ...] = field(default=())

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@cache
def offence_codes() -> tuple[str, ...]:
    """Every code of the offence matrix seed: the only codes a feed may use."""
    with (SEEDS_DIR / "offence_weights.csv").open(encoding="utf-8") as handle:
        return tuple(sorted({row["offence_code"] for row in csv.DictReader(handle)}))


@cache
def area_codes() -> tuple[str, ...]:
    with (SEEDS_DIR / "areas.csv").open(encoding="utf-8") as handle:
        return tuple(row["area_code"] for row in csv.DictReader(handle))


YES_NO = ("Y", "N")
SCHEMES = ("GENERIC", "DV")
EXIT_REASONS = ("SUCCESSFUL", "WASHOUT", "DESELECTED", "TRANSFERRED", "DECEASED", "OTHER")
RELEASE_TYPES = ("STANDARD", "PAROLE", "HDC", "END_OF_SENTENCE", "REMAND_ENDED")
ABUSE_TYPES = ("PHYSICAL", "EMOTIONAL", "FINANCIAL", "SEXUAL", "JEALOUS_CONTROLLING", "STALKING")
OUTCOMES = ("NOT_DISCLOSED", "CESSATION", "SIGNIFICANT_REDUCTION", "SOME_REDUCTION", "DONT_KNOW")

NOMINAL = Column("nominal_id", pseudonym="nominal_key")
# Convictions, arrests and custody cover the whole offender population (a person with no
# spell is not an orphan); PPIT assessments and IDVA cases concern nominals only.
NOMINAL_FK = ForeignKey("nominal_id", "iom_register")


def _offence_columns(*date_columns: str) -> tuple[Column, ...]:
    return (
        Column("offence_code", Kind.ENUM, allowed=offence_codes()),
        *(Column(name, Kind.DATE, event_date=True) for name in date_columns),
        Column("weapon_enabled", Kind.ENUM, allowed=YES_NO),
    )


def feeds() -> tuple[Feed, ...]:
    """The seven feeds, parents before children (foreign keys are checked in this order)."""
    areas = area_codes()
    return (
        Feed(
            name="iom_register",
            description="One row per spell on IOM: the unit's register of who is managed.",
            source_system="IOM unit register",
            columns=(
                Column("spell_id"),
                NOMINAL,
                Column("scheme", Kind.ENUM, allowed=SCHEMES),
                Column("area", Kind.ENUM, allowed=areas),
                Column("entry_date", Kind.DATE, event_date=True),
                Column("exit_date", Kind.DATE, required=False, event_date=True),
                Column("exit_reason", Kind.ENUM, required=False, allowed=EXIT_REASONS),
            ),
            key=("spell_id",),
        ),
        Feed(
            name="convictions",
            description=(
                "One row per conviction of any person in the force's offender population "
                "(Police National Computer), nominal or not."
            ),
            source_system="Police National Computer",
            columns=(
                Column("conviction_id"),
                NOMINAL,
                *_offence_columns("offence_date", "conviction_date"),
            ),
            key=("conviction_id",),
        ),
        Feed(
            name="arrests",
            description=(
                "One row per arrest of any person in the force's offender population "
                "(force records management system), nominal or not."
            ),
            source_system="Force records management system (custody records)",
            columns=(Column("arrest_id"), NOMINAL, *_offence_columns("arrest_date")),
            key=("arrest_id",),
        ),
        Feed(
            name="custody_episodes",
            description=(
                "One row per custody episode of any person in the offender population, with "
                "earliest and actual release."
            ),
            source_system="Prison service records shared with probation",
            columns=(
                Column("custody_id"),
                NOMINAL,
                Column("custody_start_date", Kind.DATE, event_date=True),
                Column("sentence_days", Kind.INTEGER, minimum=1),
                Column("earliest_release_date", Kind.DATE),
                Column("actual_release_date", Kind.DATE, required=False, event_date=True),
                Column("release_area", Kind.ENUM, allowed=areas),
                Column("release_type", Kind.ENUM, required=False, allowed=RELEASE_TYPES),
            ),
            key=("custody_id",),
        ),
        Feed(
            name="ppit_assessments",
            description="One row per PPIT risk assessment of a DV nominal.",
            source_system="DV unit",
            columns=(
                Column("assessment_id"),
                NOMINAL,
                Column("assessment_date", Kind.DATE, event_date=True),
                Column("ppit_score", Kind.INTEGER, minimum=0, maximum=100),
            ),
            key=("assessment_id",),
            foreign_keys=(NOMINAL_FK,),
        ),
        Feed(
            name="idva_cases",
            description="One row per survivor's IDVA case, linked to the perpetrator nominal.",
            source_system="IDVA service case management system",
            columns=(
                Column("case_id", pseudonym="case_key"),
                NOMINAL,
                Column("referral_date", Kind.DATE, event_date=True),
                Column("closure_date", Kind.DATE, required=False, event_date=True),
                Column("felt_safer", Kind.ENUM, required=False, allowed=YES_NO),
            ),
            key=("case_id",),
            foreign_keys=(NOMINAL_FK,),
        ),
        Feed(
            name="idva_outcomes",
            description="One row per closed IDVA case and abuse type: the outcome at closure.",
            source_system="IDVA service case management system",
            columns=(
                Column("case_id", pseudonym="case_key"),
                Column("abuse_type", Kind.ENUM, allowed=ABUSE_TYPES),
                Column("outcome", Kind.ENUM, allowed=OUTCOMES),
            ),
            key=("case_id", "abuse_type"),
            foreign_keys=(ForeignKey("case_id", "idva_cases"),),
        ),
    )


def feed_by_name(name: str) -> Feed:
    return next(f for f in feeds() if f.name == name)
