"""The generator's Reoffending Risk Scores, computed by the warehouse's own RRS code.

The generator needs scores while it simulates (a panel selects nominals from the top of
the scores; a review lets a nominal whose score has fallen leave). It does not carry a
scorer of its own: it loads its events into an in-memory DuckDB under the names the
pipeline's RRS step reads (staging.stg_convictions, staging.stg_arrests,
reference.offence_weights, intermediate.int_scoring_points) and runs
dagster_project.scoring.rrs.compute_rrs on them, so a score here is the score the
warehouse will publish for the same events.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dagster_project.scoring.rrs import RRS_TABLE, compute_rrs


class Events:
    """Arrests and convictions of many people as columns (person, day ordinal, code, weapon)."""

    def __init__(self) -> None:
        self.parts: dict[str, list[tuple[list[int], list[int], list[int], list[bool]]]] = {
            "arrest": [],
            "conviction": [],
        }

    def add(
        self, kind: str, person: int, events: list[tuple[int, int, bool]] | list[tuple]
    ) -> None:
        if events:
            self.parts[kind].append(
                (
                    [person] * len(events),
                    [e[0] for e in events],
                    [e[1] for e in events],
                    [bool(e[2]) for e in events],
                )
            )

    def frame(self, kind: str, date_column: str, codes: tuple[str, ...]) -> pd.DataFrame:
        people: list[int] = []
        days: list[int] = []
        code_ix: list[int] = []
        weapons: list[bool] = []
        for p, d, c, w in self.parts[kind]:
            people += p
            days += d
            code_ix += c
            weapons += w
        return pd.DataFrame(
            {
                "nominal_key": np.asarray(people, dtype=np.int64),
                "offence_code": np.asarray(codes, dtype=object)[np.asarray(code_ix, dtype=int)]
                if code_ix
                else np.asarray([], dtype=object),
                "is_weapon_enabled": np.asarray(weapons, dtype=bool),
                date_column: _dates(np.asarray(days, dtype=np.int64)),
            }
        )


_EPOCH = 719163  # date(1970, 1, 1).toordinal()


def _dates(ordinals: np.ndarray) -> np.ndarray:
    return (ordinals - _EPOCH).astype("datetime64[D]")


def score_points(
    matrix_csv: Path,
    events: Events,
    codes: tuple[str, ...],
    people: np.ndarray,
    days: np.ndarray,
) -> np.ndarray:
    """rrs(person, day) for each point (in the points' order), by compute_rrs."""
    if len(people) == 0:
        return np.zeros(0, dtype=np.int64)
    con = duckdb.connect()
    try:
        for schema in ("staging", "reference", "intermediate"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table reference.offence_weights as select * from read_csv(?, header = true,"
            " columns = {'matrix_version': 'integer', 'valid_from': 'date', 'valid_to': 'date',"
            " 'offence_code': 'varchar', 'offence_group': 'varchar', 'weight': 'integer',"
            " 'weapon_uplift': 'integer', 'neighbourhood_crime': 'varchar'})",
            [str(matrix_csv)],
        )
        convictions = events.frame("conviction", "conviction_date", codes)  # noqa: F841
        arrests = events.frame("arrest", "arrest_date", codes)  # noqa: F841
        points = pd.DataFrame(  # noqa: F841
            {
                "point": np.arange(len(people)),
                "nominal_key": people.astype(np.int64),
                "scoring_date": _dates(days),
            }
        )
        con.execute("create table staging.stg_convictions as select * from convictions")
        con.execute("create table staging.stg_arrests as select * from arrests")
        con.execute(
            "create table intermediate.int_scoring_points as"
            " select distinct nominal_key, scoring_date from points"
        )
        compute_rrs(con)
        scored = con.execute(
            f"select coalesce(scores.rrs, 0) as rrs from points"
            f" left join {RRS_TABLE} as scores using (nominal_key, scoring_date)"
            f" order by points.point"
        ).fetchnumpy()
    finally:
        con.close()
    return np.asarray(scored["rrs"], dtype=np.int64)
