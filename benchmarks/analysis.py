"""Latency of the relevance rules for one day against years of history: Solr vs SQL.

Builds N years (default 5) of synthetic national programmes for the sample
generator's ten channels, stores them in SQLite and indexes them into Solr, then
runs every rule family for the last day through each history, `--repeat` times,
and prints the median seconds per rule family and the Solr/SQL ratio.

    scripts/solr start --port 0            # prints SOLR_URL
    SOLR_URL=... .venv/bin/python benchmarks/analysis.py [--years 5] [--repeat 3]

Without a reachable Solr it prints the SQL figures only and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from audience_assets.analysis.config import load_analysis_config
from audience_assets.analysis.rules import RULES, find_candidates, merge_candidates
from audience_assets.indexing.history import AudienceHistory, SolrHistory, SqlHistory
from audience_assets.ingestion.kantar import parse_bytes
from audience_assets.ingestion.store import replace_dates
from audience_assets.records import AudienceRecord
from audience_assets.samples import HEADER, POPULATIONS, broadcast_rows, preamble
from audience_assets.sql.engine import make_engine


def national_day(day: dt.date) -> list[AudienceRecord]:
    population = POPULATIONS[0]
    rows = [*preamble(day, population), HEADER, *broadcast_rows(day, population)]
    text = "\r\n".join("\t".join(r) for r in rows).encode("cp1252")
    return parse_bytes(text, f"programas_{day}_total.tsv").records


def timed(history: AudienceHistory, day: list[AudienceRecord], repeat: int
          ) -> tuple[dict[str, float], float, int]:
    config = load_analysis_config()
    per_rule: dict[str, list[float]] = {name: [] for name in RULES}
    totals = []
    sheets = 0
    for _ in range(repeat):
        timings: dict[str, float] = {}
        began = time.perf_counter()
        candidates = find_candidates(day, history, config, timings)
        sheets = len(merge_candidates(candidates, config))
        totals.append(time.perf_counter() - began)
        for name in RULES:
            per_rule[name].append(timings.get(name, 0.0))
    return ({k: statistics.median(v) for k, v in per_rule.items()}, statistics.median(totals),
            sheets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--solr-url", default=os.environ.get("SOLR_URL", ""))
    args = parser.parse_args()
    last = dt.date(2026, 11, 22)
    first = last - dt.timedelta(days=round(365.25 * args.years) - 1)
    began = time.perf_counter()
    records: list[AudienceRecord] = []
    day = first
    while day <= last:
        records += national_day(day)
        day += dt.timedelta(days=1)
    dates = sorted({r.broadcast_date for r in records})
    print(f"history: {len(records):,} records, {len(dates)} days {dates[0]}..{dates[-1]}, "
          f"{len({r.channel for r in records})} channels (built in "
          f"{time.perf_counter() - began:.0f} s)")
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        began = time.perf_counter()
        replace_dates(engine, dates, records)
        print(f"SQLite store written in {time.perf_counter() - began:.1f} s")
        today = [r for r in records if r.broadcast_date == dates[-1]]
        results = {"SQL (SQLite)": timed(SqlHistory(engine), today, args.repeat)}
        if args.solr_url:
            import pysolr

            from audience_assets.indexing.index import index_dates

            client = pysolr.Solr(args.solr_url, timeout=(5, 300))
            try:
                client.ping()
            except (pysolr.SolrError, OSError) as exc:
                print(f"Solr at {args.solr_url} does not answer ({exc}): SQL figures only")
            else:
                began = time.perf_counter()
                client.delete(q="*:*", commit=True)
                index_dates(client, engine, dates, batch_size=5000)
                print(f"Solr indexed in {time.perf_counter() - began:.1f} s")
                results["Solr"] = timed(SolrHistory(client), today, args.repeat)
        else:
            print("no SOLR_URL / --solr-url: SQL figures only")
    names = list(results)
    print(f"\nrules for {dates[-1]} ({len(today)} broadcasts), median of {args.repeat} runs, "
          "seconds:")
    header = f"{'rule family':30}" + "".join(f"{n:>14}" for n in names)
    if len(names) == 2:
        header += f"{'Solr/SQL':>10}"
    print(header)
    for rule in [*RULES, "total"]:
        values = [results[n][1] if rule == "total" else results[n][0][rule] for n in names]
        line = f"{rule:30}" + "".join(f"{v:14.4f}" for v in values)
        if len(values) == 2:
            line += f"{values[1] / values[0]:10.1f}" if values[0] > 0 else f"{'-':>10}"
        print(line)
    print("fact sheets: " + ", ".join(f"{n} {results[n][2]}" for n in names))


if __name__ == "__main__":
    main()
