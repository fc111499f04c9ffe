"""The selection marts on the default demo: the list, its scores recomputed independently, and
entries above and below the threshold."""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from datetime import date

from dagster_project.settings import SEEDS_DIR
from tests.pipeline import PipelineRun


def minus_months(day: date, months: int) -> date:
    """Calendar arithmetic as DuckDB's `date - interval`: the day clamps to the month's end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def matrix_at(on: date) -> dict[str, tuple[int, int]]:
    with (SEEDS_DIR / "offence_weights.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["offence_code"]: (int(r["weight"]), int(r["weapon_uplift"]))
        for r in rows
        if date.fromisoformat(r["valid_from"]) <= on
        and (not r["valid_to"] or on < date.fromisoformat(r["valid_to"]))
    }


def recomputed_scores(run: PipelineRun, on: date) -> dict[str, tuple[int, int]]:
    """(C, A) of every person at `on`, straight from the staged events and the seed."""
    matrix = matrix_at(on)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for slot, table, column, months in (
        (0, "stg_convictions", "conviction_date", 60),
        (1, "stg_arrests", "arrest_date", 12),
    ):
        for who, code, weapon, day in run.rows(
            f"select nominal_key, offence_code, is_weapon_enabled, {column} from staging.{table}"
        ):
            if minus_months(on, months) < day <= on:
                weight, uplift = matrix[code]
                sums[who][slot] += weight + (uplift if weapon else 0)
    return {who: (c, a) for who, (c, a) in sums.items()}


def test_demo_selection_list_is_ordered_and_scores_match_the_definition(
    demo_run: PipelineRun,
) -> None:
    rows = demo_run.dicts("select * from marts.selection_candidates order by rank")
    assert rows, "the demo has no selection candidates"
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    order = [
        (-r["rrs"], -r["conviction_weight"], -r["arrest_weight"], r["nominal_key"]) for r in rows
    ]
    assert order == sorted(order)
    scores = recomputed_scores(demo_run, date(2019, 3, 31))
    for row in rows:
        c, a = scores[row["nominal_key"]]
        assert (row["conviction_weight"], row["arrest_weight"], row["rrs"]) == (c, a, c * a)
        assert row["rrs"] >= 150
    # every person with rrs >= 150 and no open spell is on the list, and no one else
    open_people = {
        r[0] for r in demo_run.rows("select nominal_key from intermediate.int_spells where is_open")
    }
    expected = {w for w, (c, a) in scores.items() if c * a >= 150 and w not in open_people}
    assert {r["nominal_key"] for r in rows} == expected


def test_demo_selection_monthly_has_entries_above_and_below_the_threshold(
    demo_run: PipelineRun,
) -> None:
    above, below, entries = demo_run.rows(
        "select sum(entered_next_month), sum(entered_below_threshold), sum(entries_next_month) "
        "from marts.selection_monthly"
    )[0]
    assert entries > 0
    assert above > 0
    assert below > 0
    assert above + below <= entries
