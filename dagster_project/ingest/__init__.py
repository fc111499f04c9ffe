"""Ingestion of the nightly source feeds: contract, validation, quarantine, one asset per feed."""
