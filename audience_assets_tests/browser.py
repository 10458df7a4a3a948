"""Headless Chromium from Debian's `chromium` package, driven by Playwright for Python
(Playwright's own browser download is not used). Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from audience_assets_tests.fixtures.common import refuse_servers_when_fast

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("AUDIENCE_TEST_ARTIFACTS") or REPO / "var" / "test-artifacts")
CHROMIUM = os.environ.get("AUDIENCE_CHROMIUM") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def chromium() -> Iterator:
    refuse_servers_when_fast("Chromium")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (scripts/bootstrap)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
