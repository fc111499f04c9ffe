"""The `iom` command line: thin wrappers over the package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dagster_project.cli.operations import add_operations_commands
from dagster_project.demo.generator import (
    DEFAULT_IOM_EFFECT,
    DEFAULT_POPULATION,
    DEFAULT_SEED,
    generate_landing,
)
from dagster_project.settings import from_environment


def _data_dir() -> Path:
    return from_environment().data_dir


def _landing_dir() -> Path:
    return from_environment().landing_dir


def cmd_demo_data(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else _landing_dir()
    result = generate_landing(
        out,
        seed=args.seed,
        nominals=args.nominals,
        extract_date=args.extract_date,
        bad_rows=args.bad_rows,
        population=args.population,
        iom_effect=args.iom_effect,
    )
    total = sum(result.rows.values())
    print(f"Wrote {len(result.rows)} feeds ({total} rows) to {result.out_dir}")
    for name, rows in sorted(result.rows.items()):
        print(f"  {name:24} {rows:>9}")
    if result.bad_rows:
        print(f"  injected bad rows: {len(result.bad_rows)} (listed in _injected_bad_rows.json)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import traceback

    from dagster_project.ops.errors import DataDirError, explain, preflight
    from dagster_project.ops.runner import run_pipeline

    data_dir = _data_dir()
    try:
        preflight(data_dir)
        outcome = run_pipeline(
            data_dir,
            landing_dir=Path(args.landing) if args.landing else None,
            as_of=args.as_of,
        )
    except DataDirError as exc:
        print(f"iom run: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # Dagster's own storage (SQLite under the data dir) failing: one line, not a traceback.
        reason = explain(traceback.format_exc(), data_dir)
        if reason is None:
            raise
        print(f"iom run: {reason} ({type(exc).__name__})", file=sys.stderr)
        return 2
    if outcome.success:
        print(f"Run {outcome.run_id} succeeded; marts published to {_data_dir()}")
        return 0
    print(f"Run {outcome.run_id} FAILED; nothing was published.", file=sys.stderr)
    for failure in outcome.failures:
        print(f"  {failure}", file=sys.stderr)
    return 1


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from dagster_project.publish.history import UnknownVersionError, audited_query
    from dagster_project.publish.published import NotPublishedError, format_table

    try:
        result = audited_query(_data_dir(), args.query, args.version)
    except (NotPublishedError, UnknownVersionError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        # Refused or wrong SQL: DuckDB's own first line says which (the attempt is audited).
        print(f"query failed: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    if result.columns:
        print(format_table(result.columns, result.rows))
        print(f"({len(result.rows)} rows)")
    return 0


def cmd_scorecard(args: argparse.Namespace) -> int:
    from dagster_project.presentation.scorecard import print_scorecard

    return print_scorecard(_data_dir())


def cmd_report(args: argparse.Namespace) -> int:
    from dagster_project.report.marts import ReportSourceError
    from dagster_project.report.render import ChromiumMissingError, write_report

    out = Path(args.out) if args.out else _data_dir() / "reports"
    try:
        report = write_report(_data_dir(), out, as_of=args.as_of)
    except (ReportSourceError, ChromiumMissingError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Wrote {report.html_path}\nWrote {report.pdf_path}")
    for name in report.missing_marts:
        print(f"  not published yet: {name}", file=sys.stderr)
    return 0


def cmd_data_dictionary(args: argparse.Namespace) -> int:
    from dagster_project.presentation.data_dictionary import write_data_dictionary

    print(f"Wrote {write_data_dictionary(Path(args.out) if args.out else None)}")
    return 0


def cmd_live_cohort(args: argparse.Namespace) -> int:
    from dagster_project.presentation.figure_b import format_figure_b, load_figure_b
    from dagster_project.publish.published import NotPublishedError

    try:
        figure = load_figure_b(_data_dir(), args.months)
    except NotPublishedError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(format_figure_b(figure))
    return 0


def cmd_selection(args: argparse.Namespace) -> int:
    from dagster_project.presentation.selection import print_selection

    return print_selection(_data_dir(), args.top)


def cmd_impact(args: argparse.Namespace) -> int:
    from dagster_project.presentation.impact import print_impact

    return print_impact(_data_dir())


def cmd_pseudonym(args: argparse.Namespace) -> int:
    from dagster_project.presentation.selection import print_pseudonyms, read_ids

    try:
        ids = read_ids(args.ids, Path(args.file) if args.file else None)
    except OSError as exc:
        print(f"{args.file}: cannot read ({exc.strerror})", file=sys.stderr)
        return 2
    if not ids:
        print("no ids given: pass IDs or --file F", file=sys.stderr)
        return 2
    return print_pseudonyms(_data_dir(), ids, args.kind)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iom", description="IOM performance warehouse")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    demo = add("demo-data", cmd_demo_data, "Write a synthetic landing folder with a manifest.")
    demo.add_argument("--out", help="landing folder (default: IOM_LANDING_DIR or data/landing)")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED)
    demo.add_argument("--nominals", type=int, default=484)
    demo.add_argument("--extract-date", type=_iso_date, default=date(2019, 3, 31))
    demo.add_argument("--bad-rows", type=float, default=0.0, help="share of bad rows to inject")
    demo.add_argument(
        "--population",
        type=int,
        default=DEFAULT_POPULATION,
        help="people besides the nominals (convictions, arrests and custody only)",
    )
    demo.add_argument(
        "--iom-effect",
        type=float,
        default=DEFAULT_IOM_EFFECT,
        help="factor on a nominal's offending rate while on IOM (1.0 = IOM does nothing)",
    )

    run = add("run", cmd_run, "Materialise every asset once, in process, then publish.")
    run.add_argument("--landing", help="landing folder (default: IOM_LANDING_DIR)")
    run.add_argument("--as-of", type=_iso_date, help="as-of date (default: the extract date)")

    sql = add("sql", cmd_sql, "Read-only SQL against the published marts.")
    sql.add_argument("query")
    sql.add_argument("--version", help="query this published version (id or prefix) instead")

    add("scorecard", cmd_scorecard, "Print the published scorecard.")
    add("impact", cmd_impact, "Print the impact evaluation, naive and adjusted side by side.")

    selection = add("selection", cmd_selection, "Print the published selection list.")
    selection.add_argument("--top", type=int, help="only the N highest ranks")

    pseudonym = add(
        "pseudonym", cmd_pseudonym, "Print the keyed pseudonyms of ids you already hold."
    )
    pseudonym.add_argument("ids", nargs="*", metavar="ID")
    pseudonym.add_argument("--file", help="a file of ids, one a line")
    pseudonym.add_argument(
        "--kind",
        choices=["nominal_key", "case_key"],
        default="nominal_key",
        help="nominal_id (default) or case_id pseudonyms",
    )

    report = add("report", cmd_report, "Write the monthly report (HTML and PDF).")
    report.add_argument("--as-of", type=_iso_date, help="report on the version published as of D")
    report.add_argument("--out", help="output folder (default: data/reports)")

    dictionary = add("data-dictionary", cmd_data_dictionary, "Regenerate the data dictionary.")
    dictionary.add_argument("--out", help="output file (default: docs/data-dictionary.md)")

    live = add("live-cohort", cmd_live_cohort, "Print Figure B, the live cohort by month.")
    live.add_argument("--months", type=int, default=7, help="last N month ends (default 7)")
    add_operations_commands(add, _data_dir)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
