"""Pieces of the indexing run that need no server (the fake below is only for the error path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pysolr
import pytest

from audience_assets.indexing.index import IndexingInterrupted, date_ranges, index_dates
from audience_assets_tests.indexing.data import store, synthetic_records


def test_dates_group_into_runs_of_consecutive_days() -> None:
    assert date_ranges([]) == []
    assert date_ranges(["2026-03-01"]) == [("2026-03-01", "2026-03-01")]
    assert date_ranges(["2026-03-02", "2026-02-28", "2026-03-01", "2026-03-05", "2026-03-01"]) == [
        ("2026-02-28", "2026-03-02"), ("2026-03-05", "2026-03-05")]


class FakeSolrRefusingDeletes:
    """Fake for the error path only: Solr answering 503 to the first request."""

    def delete(self, **_: Any) -> None:
        raise pysolr.SolrError("Solr responded with an error (HTTP 503)")

    def add(self, *_: Any, **__: Any) -> None:
        raise AssertionError("nothing may be added after the delete failed")


def test_a_failed_delete_names_every_date_of_the_run(tmp_path: Path) -> None:
    dates = ["2026-03-28", "2026-03-29", "2026-03-30"]
    engine = store(tmp_path / "a.db", synthetic_records(dates[0], 3))
    with pytest.raises(IndexingInterrupted) as failure:
        index_dates(FakeSolrRefusingDeletes(), engine, dates, 100,
                    where="http://solr:8983/solr/audience")
    message = str(failure.value)
    assert message.startswith("deleting the old documents of 3 date(s) in "
                              "http://solr:8983/solr/audience failed: ")
    assert "3 dates, 2026-03-28 .. 2026-03-30" in message
    assert "scripts/solr start" in message
