"""Record <-> Solr document mapping, ids, batching and sample comparison (no server)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audience_assets.indexing.search_index import (
    batches,
    compare_sample,
    date_filter,
    document_id,
    from_document,
    sample,
    to_document,
)
from audience_assets.records import AudienceRecord
from audience_assets_tests.indexing.data import synthetic_records

RECORDS = synthetic_records("2026-03-28", 2)


def test_every_record_survives_the_round_trip_through_a_document() -> None:
    for record in RECORDS:
        assert from_document(to_document(record)) == record


def test_documents_use_solr_dates_and_drop_empty_strings() -> None:
    record = next(r for r in RECORDS if r.start.startswith("2026-03-29T00:30"))
    doc = to_document(record.__class__(**{**record.to_dict(), "description": ""}))
    assert doc["broadcast_date"] == "2026-03-28T00:00:00Z"
    assert doc["start"] == "2026-03-29T00:30:00Z"  # after midnight, same TV day
    assert "description" not in doc
    assert doc["extra"] == '{"FdM": "' + record.extra["FdM"] + '"}'


def test_ids_follow_the_broadcast_key_only() -> None:
    record = RECORDS[0]
    refigured = dataclasses.replace(record, share=record.share + 1, unique_viewers=1)
    other_target = dataclasses.replace(record, target="25-44 bis")
    assert document_id(refigured) == document_id(record)
    assert document_id(other_target) != document_id(record)
    assert len({document_id(r) for r in RECORDS}) == len(RECORDS)


@given(st.text(), st.text())
def test_ids_do_not_collide_by_shifting_text_between_fields(a: str, b: str) -> None:
    one = dataclasses.replace(RECORDS[0], title=a + b, target="")
    two = dataclasses.replace(RECORDS[0], title=a, target=b)
    if b:
        assert document_id(one) != document_id(two)


def test_batches_cover_everything_in_order() -> None:
    assert [len(b) for b in batches(range(10), 4)] == [4, 4, 2]
    assert [x for b in batches(range(10), 3) for x in b] == list(range(10))
    assert list(batches([], 5)) == []
    with pytest.raises(ValueError):
        list(batches([1], 0))


def test_dates_are_validated_before_they_reach_a_query() -> None:
    assert date_filter("2026-01-01", "2026-01-31") == (
        "broadcast_date:[2026-01-01T00:00:00Z TO 2026-01-31T00:00:00Z]"
    )
    for bad in ("2026-02-30", "2026-1-1", "* OR *:*", "2026-01-01]"):
        with pytest.raises(ValueError):
            date_filter(bad)


def test_bad_local_times_are_refused() -> None:
    with pytest.raises(ValueError, match="ISO local datetime"):
        to_document(dataclasses.replace(RECORDS[0], start="2026-03-28 21:00"))


def test_compare_sample_reports_each_difference() -> None:
    records = RECORDS[:3]
    docs = [to_document(r) for r in records]
    assert compare_sample("2026-03-28", records, docs) == []
    docs[0]["share"] = docs[0]["share"] + 0.1
    del docs[2]
    problems = [str(p) for p in compare_sample("2026-03-28", records, docs)]
    assert len(problems) == 2
    assert "share differs" in problems[0]
    assert "missing from the index" in problems[1]


def test_sample_is_deterministic_and_bounded() -> None:
    assert sample(RECORDS, 5, "x") == sample(list(reversed(RECORDS)), 5, "x")
    assert len(sample(RECORDS, 5, "x")) == 5
    assert sample(RECORDS, 5, "x") != sample(RECORDS, 5, "y")
    assert all(isinstance(r, AudienceRecord) for r in sample(RECORDS[:2], 5, "x"))
