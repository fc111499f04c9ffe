"""One small hand-made population (nominals and people with no spell) for the population marts.

As of 2019-03-31 (matrix version 2 in force since 2018-04-01). The first entry is 2016-01-10,
so M = the 39 month ends 2016-01-31 .. 2019-03-31. Weights (v1 = v2 unless noted, uplift in
v2 only): ROBBERY 7 (+3), BURGLARY 5 (+2), VEHICLE_CRIME 3 (+1), THEFT 2 (+1), SHOPLIFTING 1,
DRUGS_SUPPLY 4 (+2), VIOLENCE_WITH_INJURY 4 (+3), VIOLENCE_WITHOUT_INJURY 2 (+2),
DOMESTIC_ABUSE 4 (+2), SEXUAL_OFFENCE 6 (+2), WEAPON_POSSESSION 3 (+3).

Candidates' events all lie in 2018-04-01 .. 2019-02-28 (arrests) or 2014-04-01 .. 2019-02-28
(convictions), so their scores are the same at 2019-02-28 and at 2019-03-31.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster_project.resources import PseudonymiserResource
from tests.landing import custody, event, spell, write_landing


def key(nominal_id: str) -> str:
    """The pseudonym ingestion gives nominal_id (same key as the test run)."""
    return PseudonymiserResource(key=os.environ.get("IOM_PSEUDONYM_KEY", "")).pseudonymise(
        "nominal_key", nominal_id
    )


def c(event_id: str, who: str, code: str, on: str, weapon: str = "N") -> dict[str, str]:
    return event("conviction", event_id, who, code, on, weapon)


def a(event_id: str, who: str, code: str, on: str, weapon: str = "N") -> dict[str, str]:
    return event("arrest", event_id, who, code, on, weapon)


SPELLS = [
    # EXITED: two spells ended before the as-of date; the first one starts M
    spell("S0", "EXITED", "2016-01-10", "2016-06-30", "SUCCESSFUL"),
    spell("S1", "EXITED", "2017-01-01", "2018-01-31", "DESELECTED", area="COUNTY_NORTH"),
    spell("S2", "N1", "2018-01-15"),
    spell("S3", "OPENSP", "2018-12-01", scheme="DV", area="COUNTY_SOUTH"),
    # enters after the month end 2019-02-28, open at the as-of date
    spell("S4", "EXITLATE", "2019-03-10", area="COUNTY_NORTH"),
]

CONVICTIONS = [
    # LEAP: exactly 5 years before 2019-03-31 (out there), in at 2019-02-28 (- 5 y = 2014-02-28)
    c("C01", "LEAP", "BURGLARY", "2014-03-31"),
    c("C02", "N1", "ROBBERY", "2017-06-01"),
    # TOPA: C = 7 + 7 + (5 + 2) = 21; without uplift 19
    c("C03", "TOPA", "ROBBERY", "2016-05-01"),
    c("C04", "TOPA", "ROBBERY", "2017-05-01"),
    c("C05", "TOPA", "BURGLARY", "2018-05-01", "Y"),
    # OPENSP: the same 21
    c("C06", "OPENSP", "ROBBERY", "2016-05-01"),
    c("C07", "OPENSP", "ROBBERY", "2017-05-01"),
    c("C08", "OPENSP", "BURGLARY", "2018-05-01", "Y"),
    # TIED and TIEE: C = 7 x 3 + 4 = 25
    *[c(f"C1{i}", "TIED", code, "2017-02-01") for i, code in enumerate(["ROBBERY"] * 3)],
    c("C13", "TIED", "DRUGS_SUPPLY", "2017-02-01"),
    *[c(f"C2{i}", "TIEE", code, "2017-02-01") for i, code in enumerate(["ROBBERY"] * 3)],
    c("C23", "TIEE", "DRUGS_SUPPLY", "2017-02-01"),
    # TIEB: C = 7 + 7 + 4 + 1 + 1 = 20
    c("C30", "TIEB", "ROBBERY", "2016-01-01"),
    c("C31", "TIEB", "ROBBERY", "2016-02-01"),
    c("C32", "TIEB", "DRUGS_SUPPLY", "2016-03-01"),
    c("C33", "TIEB", "SHOPLIFTING", "2016-04-01"),
    c("C34", "TIEB", "SHOPLIFTING", "2016-05-01"),
    # TIEC: C = 7 + 3 = 10
    c("C40", "TIEC", "ROBBERY", "2018-01-01"),
    c("C41", "TIEC", "WEAPON_POSSESSION", "2018-01-02"),
    # EXITED: C = 7 + 5 + 7 = 19 (2016-01-01 is 7 under v1 at 2016-12-31 too)
    c("C50", "EXITED", "ROBBERY", "2016-01-01"),
    c("C51", "EXITED", "BURGLARY", "2018-03-01"),
    c("C52", "EXITED", "ROBBERY", "2018-10-01"),
    # EXITLATE and EXACT: C = 5 x 3 = 15; LOW: C = 7 + 7 = 14
    *[c(f"C6{i}", "EXITLATE", "BURGLARY", "2017-01-01") for i in range(3)],
    *[c(f"C7{i}", "EXACT", "BURGLARY", "2017-01-01") for i in range(3)],
    *[c(f"C8{i}", "LOW", "ROBBERY", "2017-01-01") for i in range(2)],
]

ARRESTS = [
    # LEAP: counts at every month end 2016-02-29 .. 2017-02-28 (2017-02-28 - 12 months is
    # 2016-02-28, before the 29th), not at 2017-03-31
    a("A01", "LEAP", "THEFT", "2016-02-29"),
    # N1: counts at month ends 2018-02-28 .. 2019-01-31 (2019-02-28 - 12 months = 2018-02-28)
    a("A02", "N1", "BURGLARY", "2018-02-10"),
    # TOPA: A = 5 + (3 + 1) = 9; without uplift 8
    a("A03", "TOPA", "BURGLARY", "2018-06-01"),
    a("A04", "TOPA", "VEHICLE_CRIME", "2018-09-01", "Y"),
    a("A05", "OPENSP", "BURGLARY", "2018-06-01"),
    a("A06", "OPENSP", "VEHICLE_CRIME", "2018-09-01", "Y"),
    # TIED, TIEE: A = 5 + 3 = 8 (rrs 25 x 8 = 200)
    a("A10", "TIED", "BURGLARY", "2018-07-01"),
    a("A11", "TIED", "VEHICLE_CRIME", "2018-07-02"),
    a("A20", "TIEE", "BURGLARY", "2018-07-01"),
    a("A21", "TIEE", "VEHICLE_CRIME", "2018-07-02"),
    # TIEB: A = 7 + 3 = 10 (rrs 20 x 10 = 200)
    a("A30", "TIEB", "ROBBERY", "2018-08-01"),
    a("A31", "TIEB", "VEHICLE_CRIME", "2018-08-02"),
    # TIEC: A = 4 + 4 + 4 + 6 + 2 = 20 (rrs 10 x 20 = 200); groups: drugs 4, violence 4 + 2 = 6,
    # domestic 4, sexual 6: sexual and violence tie at 6, alphabetical first is sexual
    a("A40", "TIEC", "DRUGS_SUPPLY", "2018-05-01"),
    a("A41", "TIEC", "VIOLENCE_WITH_INJURY", "2018-05-02"),
    a("A42", "TIEC", "DOMESTIC_ABUSE", "2018-05-03"),
    a("A43", "TIEC", "SEXUAL_OFFENCE", "2018-05-04"),
    a("A44", "TIEC", "VIOLENCE_WITHOUT_INJURY", "2018-05-05"),
    # EXITED: A = 7 + 2 = 9 (rrs 19 x 9 = 171)
    a("A50", "EXITED", "ROBBERY", "2018-10-01"),
    a("A51", "EXITED", "THEFT", "2018-10-15"),
    # EXITLATE, EXACT: A = 5 + 5 = 10 (rrs 150); LOW: A = 7 + 3 = 10 (rrs 140)
    *[a(f"A6{i}", "EXITLATE", "BURGLARY", "2018-08-01") for i in range(2)],
    *[a(f"A7{i}", "EXACT", "BURGLARY", "2018-08-01") for i in range(2)],
    a("A80", "LOW", "ROBBERY", "2018-08-01"),
    a("A81", "LOW", "VEHICLE_CRIME", "2018-08-01"),
]

CUSTODY = [
    # N1 in custody at month ends 2018-05-31, 06-30, 07-31 (released 2018-08-01)
    custody("K1", "N1", "2018-05-01", 200, "2018-07-20", "2018-08-01"),
    # EXITED in custody at the as-of date
    custody("K2", "EXITED", "2018-11-01", 200, "2019-05-20", area="COUNTY_SOUTH"),
    # only in the custody feed: in the population, with no score
    custody("K3", "CUSTONLY", "2018-01-01", 100, "2018-03-01", "2018-03-15"),
]


def population_landing(folder: Path) -> Path:
    return write_landing(
        folder,
        {
            "iom_register": SPELLS,
            "convictions": CONVICTIONS,
            "arrests": ARRESTS,
            "custody_episodes": CUSTODY,
        },
    )
