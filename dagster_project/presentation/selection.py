"""`iom selection` and `iom pseudonym`: the published selection list, and the pseudonyms of ids
a user already holds (to find their own people in it). Both are recorded in the audit log.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from dagster_project.ops.audit import record_audit
from dagster_project.publish.published import (
    NotPublishedError,
    QueryResult,
    format_table,
    open_published,
)
from dagster_project.resources import PseudonymiserResource
from dagster_project.settings import PSEUDONYM_KEY_ENV, pseudonym_key_value

SELECTION_SQL = """
select
    rank,
    nominal_key as pseudonym,
    rrs,
    conviction_weight,
    arrest_weight,
    uplift_points,
    case when is_neighbourhood_crime then 'Y' else 'N' end as neighbourhood_crime,
    top_offence_group,
    previous_spells,
    last_exit_date,
    last_exit_reason,
    case when in_custody then 'Y' else 'N' end as in_custody,
    earliest_release_date,
    last_arrest_date
from selection_candidates
order by rank
"""


def selection_list(data_dir: Path, top: int | None, as_of: date | None = None) -> QueryResult:
    """The published selection list, highest rank first; logged with the rows returned."""
    sql = SELECTION_SQL + (f"limit {int(top)}" if top is not None else "")
    detail = "selection_candidates" + (f" top {int(top)}" if top is not None else "")
    with open_published(data_dir, "selection", detail, as_of=as_of) as read:
        result = read.query(sql)
        read.rows_returned = len(result.rows)
    return result


def print_selection(data_dir: Path, top: int | None, as_of: date | None = None) -> int:
    try:
        result = selection_list(data_dir, top, as_of)
    except NotPublishedError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(format_table(result.columns, result.rows))
    print(f"({len(result.rows)} candidates)")
    return 0


def read_ids(ids: Iterable[str], file: Path | None) -> list[str]:
    """The ids given on the command line, then those of the file (one a line, blanks skipped)."""
    found = [i.strip() for i in ids if i.strip()]
    if file is not None:
        found += [line.strip() for line in file.read_text(encoding="utf-8").splitlines()]
    return [i for i in found if i]


def print_pseudonyms(data_dir: Path, ids: list[str], kind: str) -> int:
    """One line per id: the id and its keyed pseudonym, as ingestion computes it.

    The audit log records how many ids were pseudonymised, never the ids or the key.
    """
    pseudonymiser = PseudonymiserResource(key=pseudonym_key_value())
    if pseudonymiser.uses_demo_key:
        print(
            f"warning: {PSEUDONYM_KEY_ENV} is not set; these are pseudonyms under the public "
            "DEMO key and match only a warehouse loaded with it.",
            file=sys.stderr,
        )
    record_audit(data_dir, "pseudonym", f"{len(ids)} ids ({kind})", len(ids))
    for value in ids:
        print(f"{value}\t{pseudonymiser.pseudonymise(kind, value)}")
    return 0
