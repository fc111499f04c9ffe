"""The `iom` command line: thin wrappers over the package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dagster_project.cli.errors import (
    IomArgumentParser,
    UserError,
    positive_int,
    readable_landing,
    run_handler,
    split_debug,
    writable_file,
    writable_folder,
)
from dagster_project.cli.operations import add_operations_commands
from dagster_project.demo.defaults import DEFAULT_IOM_EFFECT, DEFAULT_POPULATION, DEFAULT_SEED
from dagster_project.settings import from_environment

SQL_FORMATS = ("table", "csv", "json", "xlsx")


def _data_dir() -> Path:
    return from_environment().data_dir


def _landing_dir() -> Path:
    return from_environment().landing_dir


def _published_path(args: argparse.Namespace) -> Path:
    from dagster_project.publish.history import published_copy

    return published_copy(_data_dir(), getattr(args, "version", None), args.as_of)[0]


def cmd_demo_data(args: argparse.Namespace) -> int:
    from dagster_project.demo.generator import generate_landing

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

    # The landing folder first: a mistyped path is answered before seconds of importing
    # Dagster, dbt and Great Expectations.
    landing = readable_landing(Path(args.landing).resolve() if args.landing else _landing_dir())

    from dagster_project.ops.errors import DataDirError, explain, preflight
    from dagster_project.ops.runner import run_pipeline

    data_dir = _data_dir()
    try:
        preflight(data_dir)
        outcome = run_pipeline(
            data_dir, landing_dir=landing, as_of=args.as_of, activate=args.activate
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
    if outcome.success and not args.activate:
        print(f"Run {outcome.run_id} succeeded; a version was published but not served.")
        print("Read it with --as-of (iom scorecard, live-cohort, sql); list it: iom versions.")
        return 0
    if outcome.success:
        print(f"Run {outcome.run_id} succeeded; marts published to {_data_dir()}")
        return 0
    print(f"Run {outcome.run_id} FAILED; nothing was published.", file=sys.stderr)
    for failure in outcome.failures:
        print(f"  {failure}", file=sys.stderr)
    return 1


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from dagster_project.publish.history import audited_query

    if not args.query.strip():
        raise UserError("empty query", 'Give the SQL to run, e.g. iom sql "show tables".')
    if args.format == "xlsx" and not args.output:
        raise UserError("--format xlsx needs --output FILE.xlsx", "A workbook is not text.")
    output = writable_file(Path(args.output), "output file") if args.output else None
    try:
        result = audited_query(_data_dir(), args.query, args.version, args.as_of)
    except duckdb.Error as exc:
        # DuckDB's first line names the problem (unknown table, syntax); the rest is context.
        first_line = str(exc).strip().splitlines()[0]
        raise UserError(
            first_line, 'The marts are listed by iom sql "show tables"; see docs/metrics.md.'
        ) from exc
    _write_result(result.columns, result.rows, args.format, output)
    return 0


def _write_result(columns: list[str], rows: list[tuple], fmt: str, output: Path | None) -> None:
    from dagster_project.presentation.export import to_csv, to_json, write_xlsx_result
    from dagster_project.publish.published import format_table

    if fmt == "xlsx" and output is not None:
        write_xlsx_result(output, columns, rows)
    elif fmt in ("csv", "json"):
        text = to_csv(columns, rows) if fmt == "csv" else to_json(columns, rows)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    elif columns:
        text = f"{format_table(columns, rows)}\n({len(rows)} rows)\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    if output is not None:
        print(f"Wrote {len(rows)} rows to {output}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from dagster_project.ops.audit import record_audit
    from dagster_project.presentation.export import ExportTooLargeError, export_version, version_of
    from dagster_project.publish.history import published_copy

    output = writable_file(Path(args.output), "output file")
    if output.suffix.lower() != ".xlsx":
        raise UserError(f"{output} is not an .xlsx file", "Give a file name ending in .xlsx.")
    data_dir = _data_dir()
    path, _ = published_copy(data_dir, args.version, args.as_of)
    version = version_of(path)
    try:
        tables = export_version(path, version, output)
    except ExportTooLargeError as exc:
        raise UserError(str(exc)) from exc
    version_id = version.version_id if version else "unknown"
    record_audit(data_dir, "export", f"[version {version_id}] {len(tables)} marts to xlsx", None)
    print(f"Wrote {len(tables)} marts ({sum(tables.values())} rows) to {output}")
    return 0


def cmd_scorecard(args: argparse.Namespace) -> int:
    from dagster_project.presentation.scorecard import print_scorecard

    return print_scorecard(_data_dir(), args.as_of)


def cmd_report(args: argparse.Namespace) -> int:
    from dagster_project.report.render import write_report

    out = writable_folder(Path(args.out) if args.out else _data_dir() / "reports", "report folder")
    marking = from_environment().protective_marking
    report = write_report(_data_dir(), out, as_of=args.as_of, marking=marking)
    print(f"Wrote {report.html_path}\nWrote {report.pdf_path}")
    for name in report.missing_marts:
        print(f"  not published yet: {name}", file=sys.stderr)
    return 0


def cmd_data_dictionary(args: argparse.Namespace) -> int:
    from dagster_project.presentation.data_dictionary import write_data_dictionary

    print(f"Wrote {write_data_dictionary(Path(args.out) if args.out else None)}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from dagster_project.transform.docs import DOCS_DIR, DocsBuildError, build_dbt_docs

    analytics_path = _published_path(args)
    if not analytics_path.is_file():
        raise UserError(f"{analytics_path} does not exist yet", "Run `iom run` first.")
    out = writable_folder(_data_dir() / DOCS_DIR, "docs folder")
    try:
        page = build_dbt_docs(analytics_path, out)
    except DocsBuildError as exc:
        raise UserError(str(exc), "Run with --debug, or `dbt docs generate` in dbt/.") from exc
    print(f"dbt docs for the published marts: open {page.as_uri()}")
    print(f"(one self-contained page; catalog.json and manifest.json beside it in {out})")
    return 0


def cmd_live_cohort(args: argparse.Namespace) -> int:
    from dagster_project.presentation.figure_b import format_figure_b, load_figure_b

    figure = load_figure_b(_data_dir(), args.months, args.as_of)
    print(format_figure_b(figure))
    return 0


def cmd_selection(args: argparse.Namespace) -> int:
    from dagster_project.presentation.selection import print_selection

    return print_selection(_data_dir(), args.top, args.as_of)


def cmd_impact(args: argparse.Namespace) -> int:
    from dagster_project.presentation.impact import print_impact

    return print_impact(_data_dir(), args.as_of)


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


def add_as_of(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
    sub.add_argument(
        "--as-of",
        type=_iso_date,
        help="read the newest version published as of this date (the served copy is untouched)",
    )
    return sub


def build_parser() -> argparse.ArgumentParser:
    parser = IomArgumentParser(
        prog="iom",
        description="IOM performance warehouse",
        epilog="--debug (anywhere on the line) shows the traceback of an error as well.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    demo = add("demo-data", cmd_demo_data, "Write a synthetic landing folder with a manifest.")
    demo.add_argument("--out", help="landing folder (default: IOM_LANDING_DIR or data/landing)")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED)
    demo.add_argument("--nominals", type=positive_int, default=484)
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
    run.add_argument(
        "--no-activate",
        dest="activate",
        action="store_false",
        help="publish a version without serving it (read it with --as-of)",
    )

    sql = add("sql", cmd_sql, "Read-only SQL against the published marts.")
    sql.add_argument("query")
    sql.add_argument("--version", help="query this published version (id or prefix) instead")
    add_as_of(sql)
    sql.add_argument("--format", choices=SQL_FORMATS, default="table", help="(default: table)")
    sql.add_argument("--output", help="write to this file instead of the terminal")

    export = add("export", cmd_export, "Write every published mart to an Excel workbook.")
    export.add_argument("--output", required=True, help="the workbook to write (.xlsx)")
    export.add_argument("--version", help="export this published version (id or prefix)")
    add_as_of(export)

    add_as_of(add("scorecard", cmd_scorecard, "Print the published scorecard."))
    add_as_of(
        add("impact", cmd_impact, "Print the impact evaluation, naive and adjusted side by side.")
    )

    selection = add("selection", cmd_selection, "Print the published selection list.")
    selection.add_argument("--top", type=positive_int, help="only the N highest ranks")
    add_as_of(selection)

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

    add_as_of(add("docs", cmd_docs, "Build dbt's docs site for the published marts."))

    live = add("live-cohort", cmd_live_cohort, "Print Figure B, the live cohort by month.")
    add_as_of(live)
    live.add_argument(
        "--months", type=positive_int, default=7, help="last N month ends (default 7)"
    )
    add_operations_commands(add, _data_dir)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv, debug = split_debug(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.debug = debug
    return run_handler(args.handler, args)


if __name__ == "__main__":
    sys.exit(main())
