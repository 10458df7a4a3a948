"""Ingestion throughput: parse, normalise and store N synthetic days; xlsx engines compared.

    .venv/bin/python benchmarks/ingest.py [--days 365] [--xlsx-days 30] [--repeat 3]

Prints rows/s for the whole chain (parse + normalise + one-transaction replace in
SQLite), and the time to parse the same .xlsx files with openpyxl and with
python-calamine (median of --repeat runs) and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from audience_assets import samples
from audience_assets.ingestion.kantar import XlsxEngine, parse_file
from audience_assets.ingestion.store import replace_dates
from audience_assets.sql.engine import make_engine

FIRST_DAY = dt.date(2024, 1, 1)


def ingest(paths: list[Path], db_url: str) -> tuple[int, float, float]:
    engine = make_engine(db_url)
    started = time.perf_counter()
    by_date: dict[str, list] = defaultdict(list)
    for path in paths:
        for record in parse_file(path).records:
            by_date[record.broadcast_date].append(record)
    parsed = time.perf_counter()
    rows = sum(replace_dates(engine, [date], recs) for date, recs in sorted(by_date.items()))
    return rows, parsed - started, time.perf_counter() - parsed


def time_engine(paths: list[Path], engine: XlsxEngine, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        for path in paths:
            parse_file(path, engine=engine)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--xlsx-days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        paths = samples.write_days(FIRST_DAY, args.days, root / "tsv", xlsx_slugs=frozenset())
        print(f"generated {len(paths)} files for {args.days} days "
              f"in {time.perf_counter() - started:.1f} s")
        rows, parse_s, store_s = ingest(paths, f"sqlite:///{root / 'bench.db'}")
        total = parse_s + store_s
        print(f"ingest: {rows} rows in {total:.1f} s = {rows / total:,.0f} rows/s "
              f"(parse+normalise {rows / parse_s:,.0f} rows/s, SQLite store "
              f"{rows / store_s:,.0f} rows/s)")

        xlsx = samples.write_days(FIRST_DAY, args.xlsx_days, root / "xlsx",
                                  xlsx_slugs=frozenset(p.slug for p in samples.POPULATIONS))
        xlsx_rows = sum(len(parse_file(p).records) for p in xlsx)
        timings = {e: time_engine(xlsx, e, args.repeat) for e in ("openpyxl", "calamine")}
        print(f"xlsx: {len(xlsx)} files, {xlsx_rows} rows, median of {args.repeat} runs")
        print(f"  {'engine':<10} {'seconds':>8} {'rows/s':>10}")
        for engine, seconds in timings.items():
            print(f"  {engine:<10} {seconds:>8.2f} {xlsx_rows / seconds:>10,.0f}")
        print(f"  openpyxl / calamine time ratio: {timings['openpyxl'] / timings['calamine']:.1f}x"
              " (baseline openpyxl; the parser defaults to calamine)")


if __name__ == "__main__":
    main()
