"""User errors on the command line: one or two lines saying what was wrong and what to do.

A user error exits with code 2 and no traceback; `--debug` shows the traceback as well.
Anything not recognised here is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

USER_ERROR_EXIT = 2
DEBUG_FLAG = "--debug"


class UserError(Exception):
    """Something the person running `iom` can fix: what was wrong, then what to do."""

    def __init__(self, problem: str, hint: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint

    def lines(self) -> list[str]:
        return [self.problem, *([self.hint] if self.hint else [])]


class IomArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad option is one line and a pointer to --help, not the usage block."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message}", file=sys.stderr)
        print(f"See `{self.prog} --help`.", file=sys.stderr)
        raise SystemExit(USER_ERROR_EXIT)


def positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text}") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text}")
    return number


def readable_landing(path: Path) -> Path:
    """The landing folder, checked before a run so a typo is one line, not a failed run."""
    if not path.exists():
        raise UserError(
            f"landing folder {path} does not exist",
            "Give the folder the extracts land in with --landing or IOM_LANDING_DIR.",
        )
    if not path.is_dir():
        raise UserError(f"landing folder {path} is not a folder", "Give a folder with --landing.")
    if not os.access(path, os.R_OK | os.X_OK):
        raise UserError(
            f"landing folder {path} cannot be read by this user",
            "Give this user read access to it, or copy the extract somewhere readable.",
        )
    manifest = path / "_manifest.json"
    if not manifest.is_file():
        raise UserError(
            f"landing folder {path} has no _manifest.json",
            "The extract is incomplete until its manifest lands; see docs/feeds.md.",
        )
    if not os.access(manifest, os.R_OK):
        raise UserError(f"{manifest} cannot be read by this user", "Give this user read access.")
    return path


def writable_folder(path: Path, what: str) -> Path:
    """An output folder that exists (created if need be) and can be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot create {what} {path}: {exc.strerror or exc}",
            "Give a folder this user can write to.",
        ) from exc
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to {what} {path}", "Give a folder this user can write to.")
    return path


def writable_file(path: Path, what: str) -> Path:
    """An output file whose folder exists (created if need be) and can be written."""
    if path.is_dir():
        raise UserError(f"{what} {path} is a folder", "Give a file name, e.g. marts.xlsx.")
    writable_folder(path.parent, f"folder for the {what}")
    return path


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Call a command; a user error becomes its lines on stderr and exit code 2."""
    try:
        return handler(args)
    except Exception as exc:
        lines = _user_error_lines(exc)
        if lines is None:
            raise
        if getattr(args, "debug", False):
            traceback.print_exc()
        for line in lines:
            print(line, file=sys.stderr)
        return USER_ERROR_EXIT


def _user_error_lines(exc: Exception) -> list[str] | None:
    """The lines for an error the user can fix; None for a bug (its traceback stays)."""
    if isinstance(exc, UserError):
        return exc.lines()
    from dagster_project.settings import SettingsError

    if isinstance(exc, SettingsError):
        return [str(exc)]
    # Imported here: these modules are heavy, and only needed once something went wrong.
    from dagster_project.publish.history import UnknownVersionError
    from dagster_project.publish.published import NotPublishedError
    from dagster_project.report.marts import ReportSourceError
    from dagster_project.report.render import ChromiumMissingError

    if isinstance(exc, NotPublishedError | UnknownVersionError | ReportSourceError):
        return [str(exc)]
    if isinstance(exc, ChromiumMissingError):
        return [str(exc)]
    return None


def split_debug(argv: list[str]) -> tuple[list[str], bool]:
    """`--debug` is accepted anywhere on the line, before or after the command."""
    return [a for a in argv if a != DEBUG_FLAG], DEBUG_FLAG in argv
