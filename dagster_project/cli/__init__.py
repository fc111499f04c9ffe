"""The `iom` command line: thin commands over the package."""

from dagster_project.cli.main import main

__all__ = ["main"]
