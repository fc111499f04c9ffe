"""Headless Debian chromium driven by Playwright (never `playwright install`: CI has no CDN)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dagster_project.report.render import CHROMIUM, CHROMIUM_ARGS

# Every wait in the browser tests is bounded by this (milliseconds).
TIMEOUT_MS = 60_000


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator:
    """A fresh page; console errors and uncaught exceptions are collected on page.errors."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(TIMEOUT_MS)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.errors = errors
            yield page
        finally:
            browser.close()
