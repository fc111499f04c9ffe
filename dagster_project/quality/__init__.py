"""Data quality: GX suites, reconciliations and run-over-run checks, as Dagster asset checks."""
