"""Indexing throughput into Solr, and history-query latency: Solr vs SQLite.

Builds N years (default 2) of synthetic deliveries with the sample generator
(its ten channels, every target and region it writes), stores them in a fresh
SQLite file, indexes them through the `solr_audience_index` asset (one
single-run backfill over the whole range, its check included) and prints
docs/s. Then times each history query against Solr and against SQLite on the
same data: the median of `--repeat` passes over the same parameter sets, and
the ratio Solr/SQL (below 1: Solr is faster).

    scripts/solr start --port 0 --home /tmp/bench-solr      # a throwaway Solr
    .venv/bin/python benchmarks/index.py --solr-url URL [--years 2] [--repeat 5]

The run deletes and re-adds the range's documents in that core; `--clear`
empties the core first (so other data cannot skew the query figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pysolr

from audience_assets.indexing.assets import solr_audience_index
from audience_assets.indexing.history import METRICS, SolrHistory, SqlHistory, month_bounds
from audience_assets.ingestion.kantar import parse_bytes
from audience_assets.ingestion.store import replace_dates
from audience_assets.records import AudienceRecord
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.solr import SolrResource
from audience_assets.samples import HEADER, POPULATIONS, broadcast_rows, preamble
from audience_assets.sql.engine import make_engine


def day_records(day: dt.date) -> list[AudienceRecord]:
    records = []
    for population in POPULATIONS:
        rows = [*preamble(day, population), HEADER, *broadcast_rows(day, population)]
        text = "\r\n".join("\t".join(r) for r in rows).encode("cp1252")
        records += parse_bytes(text, f"programas_{day}_{population.slug}.tsv").records
    return records


def build_store(path: Path, first: dt.date, last: dt.date) -> tuple[Any, int]:
    engine = make_engine(f"sqlite:///{path}")
    total = 0
    day = first
    while day <= last:
        month_end = min(last, dt.date.fromisoformat(month_bounds(day.isoformat())[1]))
        dates, records = [], []
        while day <= month_end:
            dates.append(day.isoformat())
            records += day_records(day)
            day += dt.timedelta(days=1)
        total += replace_dates(engine, dates, records)
    return engine, total


def median_ms(fn: Callable[..., object], params: list[tuple[Any, ...]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        for args in params:
            began = time.perf_counter()
            fn(*args)
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def same(a: object, b: object, label: str) -> None:
    if isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (label, a, b)
    else:
        assert a == b, (label, a, b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solr-url", default=os.environ.get("SOLR_URL", ""),
                        help="core URL printed by scripts/solr start (env SOLR_URL)")
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--last-day", default="2026-11-15")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--queries", type=int, default=20, help="parameter sets per query")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--clear", action="store_true", help="empty the Solr core first")
    args = parser.parse_args()
    if not args.solr_url:
        parser.error("give --solr-url (or SOLR_URL): start one with scripts/solr start")

    last = dt.date.fromisoformat(args.last_day)
    first = last - dt.timedelta(days=round(365 * args.years) - 1)
    workdir = Path(tempfile.mkdtemp(prefix="bench-index-"))
    began = time.perf_counter()
    engine, total = build_store(workdir / "audience.db", first, last)
    print(f"data: {total} records, {first} .. {last}, {len(POPULATIONS)} deliveries a day "
          f"(built in {time.perf_counter() - began:.0f} s, SQLite {workdir / 'audience.db'})")

    client = pysolr.Solr(args.solr_url, timeout=(5, 300))
    if args.clear:
        client.delete(q="*:*", commit=True)
    resource = SolrResource(url=args.solr_url, batch_size=args.batch_size)
    began = time.perf_counter()
    result = dg.materialize(
        [solr_audience_index],
        resources={"solr": resource, "database": DatabaseResource(url=str(engine.url))},
        tags={"dagster/asset_partition_range_start": first.isoformat(),
              "dagster/asset_partition_range_end": last.isoformat()},
    )
    wall = time.perf_counter() - began
    materialization = result.asset_materializations_for_node("solr_audience_index")[0]
    meta = {k: v.value for k, v in materialization.metadata.items()}
    (check,) = result.get_asset_check_evaluations()
    print(f"index: {meta['documents']} documents in {meta['seconds']} s = "
          f"{meta['docs_per_s']} docs/s (batch {args.batch_size}); whole run with the "
          f"check {wall:.1f} s; check {'passed' if check.passed else 'FAILED'}")

    sql, solr = SqlHistory(engine), SolrHistory(client)
    rng = random.Random(11)
    sample = rng.sample(day_records(last), args.queries)
    day = last.isoformat()
    month_first, _ = month_bounds(day)
    queries: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
        "best_before (all time)": ("best_before", [
            (r.title, r.channel, r.target, r.region, METRICS[i % 3], day)
            for i, r in enumerate(sample)]),
        "best_before (last 365 d)": ("best_before", [
            (r.title, r.channel, r.target, r.region, METRICS[i % 3], day,
             (last - dt.timedelta(days=365)).isoformat()) for i, r in enumerate(sample)]),
        "channel_average_share (day)": ("channel_average_share", [
            (r.channel, day, day, r.target, r.region) for r in sample]),
        "channel_average_share (month)": ("channel_average_share", [
            (r.channel, month_first, day, r.target, r.region) for r in sample]),
        "top_broadcasts (overall)": ("top_broadcasts", [(day, 10)] * 5),
        "top_broadcasts (target+region)": ("top_broadcasts", [
            (day, 10, r.target, r.region) for r in sample]),
        "top_broadcasts_per (target)": ("top_broadcasts_per", [(day, 10, "target")] * 5),
        "first_broadcast_date": ("first_broadcast_date", [
            (r.title, r.channel) for r in sample]),
    }
    print(f"\nhistory queries: median ms per call over {args.repeat} passes "
          f"(same parameters, same data)")
    print(f"{'query':34} {'SQLite':>9} {'Solr':>9} {'Solr/SQL':>9}")
    for label, (name, params) in queries.items():
        for args_ in params:  # same answers, and warm caches on both sides
            same(getattr(sql, name)(*args_), getattr(solr, name)(*args_), label)
        a = median_ms(getattr(sql, name), params, args.repeat)
        b = median_ms(getattr(solr, name), params, args.repeat)
        print(f"{label:34} {a:9.2f} {b:9.2f} {b / a:9.2f}")


if __name__ == "__main__":
    main()
