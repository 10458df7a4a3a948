"""Shared fixtures and the suite's two speeds.

Real servers (Solr, Ollama, PostgreSQL) are started once per test session by the
plugin modules below, with fresh data folders, all at once in the background from the
session's start (fixtures.common); Chromium by `browser.chromium()`. The modules that
ask for no such server run first (each module's tests stay together and in their
order), so the servers start while they run.

`pytest --fast` (what `scripts/test --fast` runs) leaves out the tests marked
integration, browser or slow, and fails any remaining test that asks for a server:
a test that needs one must carry its marker, so the fast suite never starts one.

Timeouts: every test has one. The default (pyproject: `timeout`) fits a unit test;
tests marked integration, slow or browser get the longer budgets below unless they
name their own with `@pytest.mark.timeout(N)`. They include the first test's share
of a session server's start (scripts/test builds and fetches the servers' heavy
artifacts before pytest, so that start is seconds, not the first build's minutes).
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = [
    "audience_assets_tests.fixtures.common",
    "audience_assets_tests.fixtures.ollama",
    "audience_assets_tests.fixtures.postgres",
    "audience_assets_tests.fixtures.solr",
]

SERVER_MARKERS = ("integration", "browser", "slow")
MARKER_TIMEOUTS_S = {"integration": 900, "slow": 600, "browser": 300}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fast", action="store_true", default=False,
                     help="unit tests only: leave out integration, browser and slow tests "
                          "and fail any test that starts a server")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("fast"):
        # Read by fixtures.common.refuse_servers_when_fast, in this process and children.
        os.environ["AUDIENCE_TESTS_FAST"] = "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("timeout") is None:
            budgets = [MARKER_TIMEOUTS_S[m] for m in MARKER_TIMEOUTS_S
                       if item.get_closest_marker(m)]
            if budgets:
                item.add_marker(pytest.mark.timeout(max(budgets)))
    if not config.getoption("fast"):
        first_servers_last(items)
        return
    kept, left_out = [], []
    for item in items:
        marked = any(item.get_closest_marker(m) for m in SERVER_MARKERS)
        (left_out if marked else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def first_servers_last(items: list[pytest.Item]) -> None:
    """Modules whose tests need no session server first, then the others; a stable sort,
    so each module's tests stay together and in their order."""
    # imported here: the plugin is registered (and its asserts rewritten) by then
    from audience_assets_tests.fixtures.common import wanted_servers

    needs = {}
    for item in items:
        if wanted_servers([item]):
            needs[item.module] = True  # type: ignore[attr-defined]
    items.sort(key=lambda item: needs.get(getattr(item, "module", None), False))
