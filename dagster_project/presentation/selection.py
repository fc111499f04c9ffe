"""`iom selection` and `iom pseudonym`: the published selection list, and the pseudonyms of ids
a user already holds (to find their own people in it). Both are recorded in the audit log.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from dagster_project.ops.audit import record_audit
from dagster_project.publish.published import (
    NotPublishedError,
    QueryResult,
    format_table,
    run_query,
)
from dagster_project.publish.versions import current_version_id
from dagster_project.resources import PseudonymiserResource

ANALYTICS_FILE = "analytics.duckdb"
PSEUDONYM_KEY_ENV = "IOM_PSEUDONYM_KEY"

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


def selection_list(data_dir: Path, top: int | None) -> QueryResult:
    """The published selection list, highest rank first; logged with the rows returned."""
    sql = SELECTION_SQL + (f"limit {int(top)}" if top is not None else "")
    detail = f"[version {current_version_id(data_dir)}] selection_candidates" + (
        f" top {int(top)}" if top is not None else ""
    )
    try:
        result = run_query(data_dir / ANALYTICS_FILE, sql)
    except NotPublishedError:
        raise
    except Exception:
        record_audit(data_dir, "selection", detail, None)
        raise
    record_audit(data_dir, "selection", detail, len(result.rows))
    return result


def print_selection(data_dir: Path, top: int | None) -> int:
    try:
        result = selection_list(data_dir, top)
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
    pseudonymiser = PseudonymiserResource(key=os.environ.get(PSEUDONYM_KEY_ENV, ""))
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
