"""A fresh clone configures no image source: the day's image stage says so once, as a
warning naming the file to edit and the date to re-materialise, instead of failing a
check for every post."""

from __future__ import annotations

import dagster as dg
import pytest

from audience_assets.images.checks import EVERY_POST, check_results
from audience_assets.images.sources import DEFAULT_SOURCES_PATH, load_sources


@pytest.mark.timeout(30)
def test_no_sources_is_one_warning_naming_the_file_and_the_date() -> None:
    sources = load_sources(DEFAULT_SOURCES_PATH)
    assert not sources.sources  # what a fresh clone ships
    pending = [(f"sheet-{i}", "x") for i in range(8)]
    results = {r.check_name: r for r in check_results(pending, [], sources, date="2026-11-16")}
    every = results[EVERY_POST]
    assert not every.passed and every.severity == dg.AssetCheckSeverity.WARN
    assert str(DEFAULT_SOURCES_PATH) in (every.description or "")
    assert "re-materialise image_candidates for 2026-11-16" in (every.description or "")
    assert "8 of 8" in (every.description or "")
    assert all(r.passed for name, r in results.items() if name != EVERY_POST)


@pytest.mark.timeout(30)
def test_with_sources_a_post_without_candidates_is_still_an_error(tmp_path) -> None:
    config = tmp_path / "images.yaml"
    config.write_text("sources:\n  - url: https://example.org/tv/\n")
    sources = load_sources(config)
    [every, *_] = check_results([("sheet-1", "x")], [], sources, date="2026-11-16")
    assert not every.passed and every.severity == dg.AssetCheckSeverity.ERROR
