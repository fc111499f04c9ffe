"""One small hand-made landing folder for impact_evaluation, every figure computed by hand.

As of 2019-03-31, so L (the last month end of M) = 2019-03-31; H = 12, K = 5. The first entry
is 2017-01-10, so M = 2017-01-31 .. 2019-03-31 and the month end before M is 2016-12-31.
Weights (matrix v1 = v2 without weapons; rrs_lfl is under v2): ROBBERY 7, BURGLARY 5, THEFT 2,
SHOPLIFTING 1. A conviction counts for 5 years, an arrest for 12 months, so a person with
convictions C and one arrest day of weight A in month X scores C x A at the month ends X ..
X + 11 and 0 from X + 12 on (no later arrest). Nobody is in custody.

Treated spells (b = last month end before entry; S1 at last_day(b + 12 months)):
- T1 (TA) entry 2017-01-10: b = 2016-12-31 (before M). C 7 x A 7 = S0 49, band 0, year
  2016: no comparison month lies in 2016 (M starts 2017-01), so unmatched.
- T2 (TB) entry 2017-06-15: b = 2017-05-31, C 10 x A 12 = S0 120 (band 2); S1 at 2018-05-31
  = C 10 x A 2 (THEFT 2018-01-15) = 20; observed -100.
- TX (CX) entry 2017-10-01, exit 2017-11-15: b = 2017-09-30, S0 120, S1 0, observed -120.
- TH entry 2017-11-20: b = 2017-10-31, C 100 x A 12 = S0 1200: floor(1200 / 50) = 24,
  capped to band 20; S1 0, observed -1200.
- TK entry 2017-10-20: b = 2017-09-30, C 20 x A 12 = 240 (band 4); its stratum has 4
  comparison months < K: unmatched.
- TZ entry 2017-06-10, no events: S0 = 0, unmatched (its stratum (0, 2017) has 12).
- TM DV 2017-03-01 .. 2017-08-31 (b = 2017-02-28, S0 0, unmatched); TM's GENERIC spell
  entering 2017-08-31, the day the DV spell ended, is a scheme move: not treated.
- TL entry 2018-04-30: b = 2018-03-31, last_day(b + 12) = 2019-03-31 <= L: treated (S0 0).
- TN entry 2018-05-01: b = 2018-04-30, horizon 2019-04-30 > L: not treated.
Treated: 8 (GENERIC 7, DV 1); matched T2, TX, TH.

Comparison person-months (rrs_lfl > 0, m + 12 <= L so m <= 2018-03-31, no spell open on
[m, last_day(m + 1 month)]):
- C1: C 10, A 12 on 2017-04-05: 120 at Apr .. Dec 2017 (9 months in stratum (2, 2017, no
  custody)), S1 = 0: change -120 each. Reoffends: SHOPLIFTING offence 2017-10-10, convicted
  2018-01-10, inside (m, m + 12] and before m + 18 for its 6 months with the 18-month horizon
  (m <= 2017-09-30: Apr .. Sep).
- C2: as C1, arrest 2017-04-20, plus THEFT arrest 2018-02-01: S1 = 10 x 2 = 20 for Apr ..
  Dec 2017: change -100 each, 9 months (6 with the 18-month horizon, no reoffence).
- CX (picked later: TX): 120 from Jul 2017. Jul and Aug 2017 are in; Sep (its next month
  holds the entry 2017-10-01) and Oct (open at 2017-10-31) are out; Nov and Dec are in again
  (the spell ended 2017-11-15, before 2017-11-30): 4 months, change -120; Jul and Aug have
  the 18-month horizon, neither reoffends (its conviction of 2019-03-31 comes after
  last_day(m + 18 months) = 2019-01-31 / 2019-02-28).
- CH: C 90 x A 12 = 1080 (floor 21, capped 20) at Aug .. Dec 2017: 5 months = K, change
  -1080.
- CK: C 20 x A 12 = 240 at Sep .. Dec 2017: 4 months < K.
- C0: C 1 x A 1 = 1 at Jan .. Dec 2017: 12 months in (0, 2017).
Stratum (2, 2017, no custody): 9 + 9 + 4 = 22 months, mean change
(9 x -120 + 9 x -100 + 4 x -120) / 22 = -2460 / 22; with the 18-month horizon 6 + 6 + 2 = 14,
of which 6 reoffend once: rate 6 / 14.
"""

from __future__ import annotations

from pathlib import Path

from tests.landing import event, spell, write_landing


def c(event_id: str, who: str, code: str, on: str, offence_on: str = "") -> dict[str, str]:
    return event("conviction", event_id, who, code, on, offence_on=offence_on)


def a(event_id: str, who: str, code: str, on: str) -> dict[str, str]:
    return event("arrest", event_id, who, code, on)


def burglaries(prefix: str, who: str, count: int) -> list[dict[str, str]]:
    """`count` BURGLARY convictions (weight 5 each) on 2016-01-01."""
    return [c(f"{prefix}{i:02d}", who, "BURGLARY", "2016-01-01") for i in range(count)]


def arrest_12(prefix: str, who: str, on: str) -> list[dict[str, str]]:
    """A ROBBERY and a BURGLARY arrest on one day: A = 7 + 5 = 12."""
    return [a(f"{prefix}R", who, "ROBBERY", on), a(f"{prefix}B", who, "BURGLARY", on)]


SPELLS = [
    spell("T1", "TA", "2017-01-10"),
    spell("T2", "TB", "2017-06-15"),
    spell("TX", "CX", "2017-10-01", "2017-11-15", "SUCCESSFUL"),
    spell("TH", "TH", "2017-11-20"),
    spell("TK", "TK", "2017-10-20"),
    spell("TZ", "TZ", "2017-06-10"),
    spell("TMD", "TM", "2017-03-01", "2017-08-31", "WASHOUT", scheme="DV"),
    spell("TMG", "TM", "2017-08-31"),
    spell("TL", "TL", "2018-04-30"),
    spell("TN", "TN", "2018-05-01"),
]

CONVICTIONS = [
    c("A1", "TA", "ROBBERY", "2015-01-01"),
    *burglaries("B", "TB", 2),
    # TB's proven reoffending after b = 2017-05-31 (window to 2018-05-31, courts to 2018-11-30)
    c("BR1", "TB", "SHOPLIFTING", "2018-11-30", offence_on="2017-08-01"),  # in: last court day
    c("BR2", "TB", "SHOPLIFTING", "2018-06-15", offence_on="2018-05-31"),  # in: last window day
    c("BR3", "TB", "SHOPLIFTING", "2018-07-01", offence_on="2018-06-01"),  # out: after window
    c("BR4", "TB", "SHOPLIFTING", "2018-12-01", offence_on="2017-09-01"),  # out: court wait
    *burglaries("X", "CX", 2),
    # b = 2017-09-30: last_day(b + 18 months) = 2019-03-31 (not 2019-03-30): in
    c("XR1", "CX", "SHOPLIFTING", "2019-03-31", offence_on="2018-01-01"),
    *burglaries("H", "TH", 20),
    *burglaries("K", "TK", 4),
    *burglaries("P", "C1", 2),
    c("PR1", "C1", "SHOPLIFTING", "2018-01-10", offence_on="2017-10-10"),
    *burglaries("Q", "C2", 2),
    *burglaries("G", "CH", 18),
    *burglaries("J", "CK", 4),
    c("Z1", "C0", "SHOPLIFTING", "2016-01-01"),
]

ARRESTS = [
    a("A1", "TA", "ROBBERY", "2016-12-01"),
    *arrest_12("B1", "TB", "2017-05-10"),
    a("B2", "TB", "THEFT", "2018-01-15"),
    *arrest_12("X1", "CX", "2017-07-05"),
    *arrest_12("H1", "TH", "2017-10-05"),
    *arrest_12("K1", "TK", "2017-09-05"),
    *arrest_12("P1", "C1", "2017-04-05"),
    *arrest_12("Q1", "C2", "2017-04-20"),
    a("Q2", "C2", "THEFT", "2018-02-01"),
    *arrest_12("G1", "CH", "2017-08-10"),
    *arrest_12("J1", "CK", "2017-09-10"),
    a("Z1", "C0", "SHOPLIFTING", "2017-01-05"),
]


def impact_landing(folder: Path) -> Path:
    return write_landing(
        folder, {"iom_register": SPELLS, "convictions": CONVICTIONS, "arrests": ARRESTS}
    )
