"""Image candidates in the search index, beside the records: each post's candidates are
added (atomic update) to the Solr document of the broadcast it is about, so a search for
a programme finds its pictures with its figures. Fields (all optional, schema.xml):
image_top_url, image_urls, image_sha256, image_pages, image_text (alt, caption, credit,
searchable) and image_candidates (the ranked list as JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pysolr

from audience_assets.indexing.search_index import date_filter, solr_datetime

IMAGE_FIELDS = ("image_top_url", "image_urls", "image_sha256", "image_pages", "image_text",
                "image_candidates")


def record_id(client: pysolr.Solr, sheet: Mapping[str, Any], date: str) -> str | None:
    """The id of the record document the fact sheet describes, or None."""
    values = {"channel": sheet.get("channel_code") or sheet.get("channel") or "",
              "target": sheet.get("target") or "", "region": sheet.get("region") or ""}
    fq = [date_filter(date)] + [f"{{!term f={k} v=$v_{k}}}" for k in values]
    params: dict[str, Any] = {f"v_{k}": v for k, v in values.items()}
    if sheet.get("start"):
        fq.append("{!term f=start v=$v_start}")
        params["v_start"] = solr_datetime(str(sheet["start"]))
    docs = list(client.search("*:*", fq=fq, fl="id", rows=2, **params))
    return str(docs[0]["id"]) if len(docs) == 1 else None


def image_fields(rows: Sequence[Mapping[str, Any]], words: Sequence[str] = ()
                 ) -> dict[str, Any]:
    crawled = [r for r in rows if not r["default"]]
    words = [w for w in words if w]
    return {
        "image_top_url": rows[0]["image_url"] if rows else "",
        "image_urls": [r["image_url"] for r in rows],
        "image_sha256": [r["sha256"] for r in rows],
        "image_pages": sorted({r["page_url"] for r in crawled if r["page_url"]}),
        "image_text": list(words) or [""],
        "image_candidates": json.dumps(
            [{k: r[k] for k in ("rank", "score", "image_url", "page_url", "published", "width",
                                "height", "sha256", "default")} for r in rows],
            ensure_ascii=False),
    }


def index_candidates(client: pysolr.Solr, date: str,
                     per_sheet: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]],
                                               Sequence[str]]]) -> tuple[int, int]:
    """Set the image fields on each sheet's record document; (updated, not found).
    `per_sheet`: (fact sheet, its candidate rows best first, their words)."""
    updates, missing = [], 0
    for sheet, rows, words in per_sheet:
        doc_id = record_id(client, sheet, date)
        if doc_id is None:
            missing += 1
            continue
        updates.append({"id": doc_id, **image_fields(rows, words)})
    if updates:
        client.add(updates, fieldUpdates={f: "set" for f in IMAGE_FIELDS}, commit=True)
    return len(updates), missing
