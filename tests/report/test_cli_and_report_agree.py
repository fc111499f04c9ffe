"""`iom scorecard` / `iom live-cohort` and the report show each figure with the same label and
the same formatted value: one layout, one formatter (the report only adds suppression)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from dagster_project.presentation.metrics import scorecard_metrics
from dagster_project.report.render import Report
from dagster_project.settings import REPO_ROOT
from tests.pipeline import PipelineRun

FIGURE_A_IDS = re.compile(r"^(figure-a-[a-z]+|significance-tests)$")


def _iom(run: PipelineRun, *args: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "IOM_DATA_DIR": str(run.data_dir)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()


def _same_or_suppressed(report: str, cli: str) -> bool:
    """Equal, or equal with each suppression mark standing for a count in the CLI's exact
    figure; a percentage hidden whole ('* (small numbers)') is a percentage in the CLI."""
    if report == "* (small numbers)":
        return re.fullmatch(r"-?[\d,.]+% \(.*\)", cli) is not None
    pattern = "".join(r"[\d,]+" if c == "*" else re.escape(c) for c in report)
    return re.fullmatch(pattern, cli) is not None


def test_figure_a_labels_and_values_are_the_same_in_the_cli_and_the_report(
    small_run: PipelineRun, small_report: Report
):
    printed = _iom(small_run, "scorecard")
    labels = {m.label for m in scorecard_metrics().values()}
    # '  <label padded>  <value>': the label is the longest known label the line starts with
    cli: dict[str, str] = {}
    for line in printed:
        known = [label for label in labels if line.startswith(f"  {label} ")]
        if known:
            label = max(known, key=len)
            cli[label] = line[len(label) + 2 :].strip()
    tables = [
        f
        for s in small_report.sections
        for f in s.figures
        if FIGURE_A_IDS.match(f.id) and f.body["header"] == ["Measure", "Value"]
    ]
    assert {f.id for f in tables} >= {"figure-a-process", "figure-a-exit", "significance-tests"}
    compared = exact = 0
    for figure in tables:
        for label, value in figure.body["rows"]:
            assert label in labels, label  # the seed's label, not a second wording
            assert _same_or_suppressed(value, cli[label]), (label, value, cli[label])
            compared += 1
            exact += value == cli[label]
    # Figure A is published whole (docs/disclosure.md): the small run's 3 nominals and 3 spells
    # and its felt-safer rate (11 of 12 survivors: both at least 10) are the CLI's figures.
    assert compared >= 25
    assert exact == compared
    # The same figure, byte for byte, in both: the shared formats of a p-value and a ratio.
    assert cli["Exit vs entry: Wilcoxon p"].startswith("p ")


def test_figure_b_rows_are_the_same_in_the_cli_and_the_report(
    small_run: PipelineRun, small_report: Report
):
    printed = _iom(small_run, "live-cohort", "--months", "7")
    cells = [re.split(r"\s{2,}", line.strip()) for line in printed[2:]]
    cli = {fields[0]: fields[1:] for fields in cells}
    figure = next(f for s in small_report.sections for f in s.figures if f.id == "figure-b")
    # seven months, then the change on the month before (the report's own column)
    assert len(figure.body["header"]) == 9
    assert figure.body["header"][-1].startswith("Change on ")
    rows = {row[0]: row[1:8] for row in figure.body["rows"]}
    assert set(rows) == set(cli)  # the same rows, the same labels (areas from the seed)
    assert "... releasing to County North" in rows and "due to County South" in rows
    for label, values in rows.items():
        if label == "releases due in window":
            # The report spells each window out with its years; the CLI keeps the short form.
            assert all(
                re.fullmatch(r"[A-Z][a-z]{2} \d{4} - [A-Z][a-z]{2} \d{4}", v) for v in values
            )
            continue
        for shown, exact in zip(values, cli[label], strict=True):
            assert shown in ("*", exact), (label, values, cli[label])
