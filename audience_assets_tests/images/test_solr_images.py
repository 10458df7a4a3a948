"""Candidates beside the records in the real Solr: the broadcast's document gains the
image fields (searchable words included) and keeps every record field."""

from __future__ import annotations

import pysolr
import pytest

from audience_assets.images.search import index_candidates
from audience_assets.indexing.search_index import document_id, from_document, to_document
from audience_assets.records import AudienceRecord

RECORD = AudienceRecord(
    broadcast_date="2026-01-12", channel="A3", title="LA RULETA DE LA SUERTE",
    description="", start="2026-01-12T12:45:00", end="2026-01-12T14:00:00",
    genre="CONCURSOS", share=15.7, avg_audience=1_206_000, unique_viewers=2_620_000,
    target="Total Individuos (4+)", region="Total España", extra={}, source_file="p.tsv",
    source_sha256="ab" * 32)
SHEET = {"title": "@laruletasuerte", "channel": "@antena3com", "channel_code": "A3",
         "start": "2026-01-12T12:45:00", "target": "Total Individuos (4+)",
         "region": "Total España"}


def _row(rank: int, url: str, default: bool = False) -> dict:
    return {"rank": rank, "score": 1.0 / rank, "image_url": url, "page_url": "http://s/p",
            "published": "2026-01-12", "width": 1200, "height": 630, "sha256": f"{rank:064d}",
            "default": default, "credit": ""}


@pytest.mark.integration
def test_candidates_are_set_on_the_broadcast_document(solr: pysolr.Solr) -> None:
    solr.add([to_document(RECORD)], commit=True)
    rows = [_row(1, "http://s/a.jpg"), _row(2, "/defaults/r-1.jpg", default=True)]
    other = dict(SHEET, start="2026-01-12T21:00:00")  # no such broadcast
    updated, missing = index_candidates(
        solr, "2026-01-12", [(SHEET, rows, ["La ruleta de la suerte, en el plató"]),
                             (other, rows, [])])
    assert (updated, missing) == (1, 1)
    doc = next(iter(solr.search("image_text:plato")))
    assert doc["id"] == document_id(RECORD)
    assert doc["image_top_url"] == "http://s/a.jpg"
    assert doc["image_urls"] == ["http://s/a.jpg", "/defaults/r-1.jpg"]
    assert from_document(doc) == RECORD  # the record itself is untouched
