"""Normalised records as Solr documents, and back (pure: no I/O, no Dagster).

The mapping follows infra/solr/configset/conf/schema.xml. Dates travel as Solr
dates: `broadcast_date` as the TV day at 00:00:00Z, `start`/`end` as the local
wall-clock time written with a Z (the Solr index, like the SQL table, holds
Madrid local times; the Z only satisfies Solr's date syntax). Every document's
id is a hash of the record's BROADCAST_KEY, so indexing a record twice
overwrites it instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from audience_assets.records import BROADCAST_KEY, RECORD_FIELDS, AudienceRecord

T = TypeVar("T")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOCAL_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def check_date(value: str) -> str:
    """`value` if it is a real YYYY-MM-DD date, else ValueError (dates go into Solr queries)."""
    if not _DATE.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    dt.date.fromisoformat(value)
    return value


def solr_date(date: str) -> str:
    """A YYYY-MM-DD date as the Solr date of that day's midnight."""
    return check_date(date) + "T00:00:00Z"


def solr_datetime(local: str) -> str:
    if not _LOCAL_DATETIME.fullmatch(local):
        raise ValueError(f"not an ISO local datetime YYYY-MM-DDTHH:MM:SS: {local!r}")
    return local + "Z"


def _from_solr_datetime(value: str) -> str:
    return value.removesuffix("Z")


def date_filter(start: str, end: str | None = None) -> str:
    """Filter query for broadcast dates in [start, end] (validated, so safe to inline)."""
    return f"broadcast_date:[{solr_date(start)} TO {solr_date(end or start)}]"


def document_id(record: AudienceRecord) -> str:
    """Deterministic id: sha256 of the BROADCAST_KEY values as a JSON list.

    JSON, not a separator join: a separator character inside a title would let text
    shift between fields and two broadcasts share an id. A re-index replaces a date's
    documents (delete by date, then add), so a change of ids needs no migration."""
    key = json.dumps([str(getattr(record, name)) for name in BROADCAST_KEY], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def to_document(record: AudienceRecord) -> dict[str, Any]:
    """The Solr document of `record`. Empty strings are omitted (pysolr drops them anyway)
    and come back as "" through `from_document`."""
    doc: dict[str, Any] = {
        "id": document_id(record),
        "broadcast_date": solr_date(record.broadcast_date),
        "channel": record.channel,
        "title": record.title,
        "description": record.description,
        "start": solr_datetime(record.start),
        "end": solr_datetime(record.end),
        "genre": record.genre,
        "share": float(record.share),
        "avg_audience": int(record.avg_audience),
        "unique_viewers": int(record.unique_viewers),
        "target": record.target,
        "region": record.region,
        "extra": json.dumps(record.extra, ensure_ascii=False, sort_keys=True),
        "source_file": record.source_file,
        "source_sha256": record.source_sha256,
    }
    return {k: v for k, v in doc.items() if v != ""}


def from_document(doc: dict[str, Any]) -> AudienceRecord:
    """The record a stored Solr document holds (fields outside the record are ignored)."""
    data = {name: doc.get(name, "") for name in RECORD_FIELDS}
    data["broadcast_date"] = str(doc["broadcast_date"])[:10]
    data["start"] = _from_solr_datetime(str(doc["start"]))
    data["end"] = _from_solr_datetime(str(doc["end"]))
    data["extra"] = doc.get("extra") or "{}"
    return AudienceRecord.from_dict(data)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of at most `size` (the last one may be shorter)."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between the SQL store and the index for one date."""

    date: str
    problem: str

    def __str__(self) -> str:
        return f"{self.date}: {self.problem}"


def compare_sample(
    date: str, records: Sequence[AudienceRecord], docs: Sequence[dict[str, Any]]
) -> list[Mismatch]:
    """Field-by-field differences between `records` (from SQL) and their indexed `docs`."""
    by_id = {str(doc["id"]): doc for doc in docs}
    problems: list[Mismatch] = []
    for record in records:
        doc = by_id.get(document_id(record))
        if doc is None:
            problems.append(Mismatch(date, f"missing from the index: {record.key}"))
            continue
        indexed = from_document(doc)
        for name in RECORD_FIELDS:
            want, got = getattr(record, name), getattr(indexed, name)
            if want != got:
                problems.append(Mismatch(
                    date, f"{name} differs for {record.key}: store {want!r}, index {got!r}"
                ))
    return problems


def sample(records: Sequence[AudienceRecord], size: int, seed: str) -> list[AudienceRecord]:
    """A deterministic sample (by id hash order salted with `seed`) of at most `size` records."""
    def rank(record: AudienceRecord) -> str:
        return hashlib.sha256((seed + document_id(record)).encode()).hexdigest()

    return sorted(records, key=rank)[:size]
