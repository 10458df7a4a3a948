"""Moving a date's records from the SQL store into Solr, and comparing the two.

Plain functions over a pysolr client and a SQLAlchemy engine, shared by the
asset, its check, the tests and benchmarks/index.py.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pysolr
import sqlalchemy as sa

from audience_assets.indexing.search_index import (
    Mismatch,
    batches,
    compare_sample,
    date_filter,
    document_id,
    sample,
    solr_date,
    to_document,
)
from audience_assets.ingestion.store import load_records
from audience_assets.sql.schema import audience_records


class IndexingInterrupted(RuntimeError):
    """Solr failed part-way: the date named in the message is incomplete until a re-run."""


@dataclass
class IndexStats:
    documents: int = 0
    seconds: float = 0.0
    per_date: dict[str, int] = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0


def date_ranges(dates: Sequence[str]) -> list[tuple[str, str]]:
    """`dates` as the fewest inclusive (first, last) runs of consecutive days."""
    ranges: list[tuple[str, str]] = []
    for date in sorted(set(dates)):
        day = dt.date.fromisoformat(date)
        if ranges and dt.date.fromisoformat(ranges[-1][1]) + dt.timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], date)
        else:
            ranges.append((date, date))
    return ranges


def index_dates(
    client: pysolr.Solr,
    engine: sa.Engine,
    dates: Sequence[str],
    batch_size: int,
    commit_within_ms: int | None = None,
    where: str = "Solr",
    on_batch: Callable[[str, int], None] | None = None,
) -> IndexStats:
    """Replace the documents of `dates` by those dates' SQL records, then commit once.

    The dates' documents are deleted first (one delete-by-query per run of
    consecutive days: each costs Solr a searcher reopen, ~0.15 s here), then each
    date's records are added in batches. Ids are deterministic, so a re-run never
    duplicates. If Solr fails part-way, the dates not yet re-added are left visibly
    incomplete (batches carry commitWithin) and IndexingInterrupted names them.
    """
    stats = IndexStats()
    started = time.perf_counter()
    params: dict[str, Any] = {}
    if commit_within_ms:
        params["commitWithin"] = str(commit_within_ms)
    ordered = sorted(set(dates))
    date, done, expected = "", 0, 0
    try:
        for first, last in date_ranges(ordered):
            client.delete(q=date_filter(first, last), commit=False)
        for date in ordered:
            records = load_records(engine, date)
            done, expected = 0, len(records)
            for batch in batches((to_document(r) for r in records), batch_size):
                client.add(batch, commit=False, **params)
                done += len(batch)
                if on_batch is not None:
                    on_batch(date, done)
            stats.per_date[date] = done
            stats.documents += done
        client.commit()
    except (pysolr.SolrError, OSError) as exc:
        pending = [d for d in ordered if d not in stats.per_date]
        if not pending:
            what = f"the commit of {len(ordered)} date(s) to {where} failed"
        elif not date or date not in pending:
            what = f"deleting the old documents of {len(ordered)} date(s) in {where} failed"
        else:
            what = (f"indexing {date} into {where} stopped after {done} of {expected} "
                    "documents")
        raise IndexingInterrupted(
            f"{what}: {exc}. Incomplete in the index until the asset is re-run: "
            f"{_span(pending or ordered)} (is Solr up? `scripts/solr start`)."
        ) from exc
    stats.seconds = time.perf_counter() - started
    return stats


def _span(dates: Sequence[str]) -> str:
    return dates[0] if len(dates) == 1 else f"{len(dates)} dates, {dates[0]} .. {dates[-1]}"


def solr_counts(client: pysolr.Solr, start: str, end: str) -> dict[str, int]:
    """Documents per broadcast date in [start, end] (dates without documents are absent)."""
    after_end = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()
    facet = {"days": {"type": "range", "field": "broadcast_date", "start": solr_date(start),
                      "end": solr_date(after_end), "gap": "+1DAY"}}
    results = client.search("*:*", fq=[date_filter(start, end)], rows=0,
                            **{"json.facet": json.dumps(facet)})
    buckets = results.raw_response.get("facets", {}).get("days", {}).get("buckets", [])
    return {str(b["val"])[:10]: int(b["count"]) for b in buckets if int(b["count"])}


def sql_counts(engine: sa.Engine, start: str, end: str) -> dict[str, int]:
    c = audience_records.c
    query = (
        sa.select(c.broadcast_date, sa.func.count())
        .where(c.broadcast_date >= start, c.broadcast_date <= end)
        .group_by(c.broadcast_date)
    )
    with engine.connect() as conn:
        return {str(d): int(n) for d, n in conn.execute(query)}


@dataclass
class Verification:
    dates: list[str]
    sql: dict[str, int]
    solr: dict[str, int]
    problems: list[Mismatch]
    sampled: int

    @property
    def passed(self) -> bool:
        return not self.problems


def verify_dates(
    client: pysolr.Solr, engine: sa.Engine, dates: Sequence[str], sample_size: int = 20
) -> Verification:
    """Per date: the index holds exactly as many documents as the SQL store, and a
    deterministic sample of records matches its document field by field."""
    start, end = min(dates), max(dates)
    sql, solr = sql_counts(engine, start, end), solr_counts(client, start, end)
    problems: list[Mismatch] = []
    sampled = 0
    for date in sorted(dates):
        want, got = sql.get(date, 0), solr.get(date, 0)
        if want != got:
            problems.append(Mismatch(date, f"SQL store has {want} records, index has {got}"))
            continue
        if not want:
            continue
        picked = sample(load_records(engine, date), sample_size, seed=date)
        ids = " ".join(document_id(r) for r in picked)  # hex digests: nothing to escape
        docs = list(client.search("*:*", fq=[f"{{!terms f=id separator=' '}}{ids}"],
                                  rows=len(picked)))
        problems.extend(compare_sample(date, picked, docs))
        sampled += len(picked)
    return Verification(sorted(dates), sql, solr, problems, sampled)


def counts_through(client: pysolr.Solr, engine: sa.Engine, last: str) -> tuple[int, int]:
    """(SQL records, Solr documents) with broadcast_date <= `last`: equal when the history
    a reader of the index sees up to that date is the store's."""
    c = audience_records.c
    with engine.connect() as conn:
        sql = int(conn.execute(sa.select(sa.func.count()).select_from(audience_records)
                               .where(c.broadcast_date <= last)).scalar_one())
    found = client.search("*:*", fq=[f"broadcast_date:[* TO {solr_date(last)}]"], rows=0)
    return sql, int(found.hits)
