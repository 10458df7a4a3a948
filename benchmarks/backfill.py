"""A year of deliveries through the ingestion chain: one partition-range run vs one run
per date.

Writes `--days` synthetic days (`audience samples --populations total`), then runs
`kantar_raw_file`, `audience_records` and `solr_audience_index` with Dagster's own CLI on
a fresh instance (DAGSTER_HOME with the project's dagster.yaml), a fresh SQLite store and
an emptied Solr core:

- range: ONE `dagster asset materialize --partition-range FIRST...LAST` run;
- baseline: one `dagster asset materialize --partition DATE` run per date, which is what a
  backfill without single-run policies launches. Timing all 365 takes hours, so
  `--sample-runs` dates spread over the year are timed and the median is multiplied by the
  number of days (printed as an extrapolation).

Both must leave SQL and Solr holding exactly the parsed rows; the script checks it.

    scripts/solr start --port 0 --home /tmp/bench-solr      # a throwaway Solr
    .venv/bin/python benchmarks/backfill.py --solr-url URL [--days 365] [--sample-runs 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pysolr

from audience_assets.indexing.index import solr_counts, sql_counts
from audience_assets.ingestion.kantar import parse_file
from audience_assets.sql.engine import make_engine
from audience_lab.machine import load_average, own_cpu_s, process_tree_cpu_s

ROOT = Path(__file__).resolve().parents[1]
ASSETS = "kantar_raw_file,audience_records,solr_audience_index"


def run_cli(env: dict[str, str], *partition: str) -> float:
    """Seconds one `dagster asset materialize` run takes, start to exit; exits on failure."""
    command = [str(Path(sys.executable).parent / "dagster"), "asset", "materialize",
               "-m", "audience_assets.definitions", "--select", ASSETS, *partition]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(partition)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def fresh_env(root: Path, solr_url: str, source: Path, dates: list[str]) -> dict[str, str]:
    """A fresh instance, store and hot folder holding the files of `dates`."""
    home, hot = root / "dagster_home", root / "hot"
    home.mkdir(parents=True)
    hot.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    for date in dates:
        for path in source.glob(f"*{date}*"):
            shutil.copy(path, hot / path.name)
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
        "AUDIENCE_DB_URL": f"sqlite:///{root / 'audience.db'}",
        "AUDIENCE_HOT_FOLDER": str(hot), "AUDIENCE_ARCHIVE_DIR": str(root / "archive"),
        "AUDIENCE_QUARANTINE_DIR": str(root / "quarantine"),
        "AUDIENCE_OUTPUT_DIR": str(root / "out"), "AUDIENCE_SETTLE_SECONDS": "0",
        "SOLR_URL": solr_url,
    })
    return env


def verify(env: dict[str, str], solr: pysolr.Solr, expected: dict[str, int]) -> str:
    first, last = min(expected), max(expected)
    sql = sql_counts(make_engine(env["AUDIENCE_DB_URL"]), first, last)
    indexed = solr_counts(solr, first, last)
    if sql != expected or indexed != expected:
        bad = sorted(d for d in expected if sql.get(d) != expected[d]
                     or indexed.get(d) != expected[d])
        sys.exit(f"counts differ from the parsed rows on {len(bad)} date(s), e.g. {bad[:5]}")
    return f"SQL {sum(sql.values())} = Solr {sum(indexed.values())} = parsed rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solr-url", required=True, help="a throwaway Solr core (emptied)")
    parser.add_argument("--start", default="2025-01-01")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--solr-pid", type=int, help="count this Solr's CPU seconds too")
    parser.add_argument("--sample-runs", type=int, default=10,
                        help="one-date runs timed for the baseline (0: all days)")
    args = parser.parse_args()
    start = dt.date.fromisoformat(args.start)
    dates = [(start + dt.timedelta(days=i)).isoformat() for i in range(args.days)]
    solr = pysolr.Solr(args.solr_url, timeout=(5, 300))
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        work = Path(tmp)
        source = work / "samples"
        subprocess.run([str(Path(sys.executable).parent / "audience"), "samples", "--start",
                        args.start, "--days", str(args.days), "--populations", "total",
                        "--out", str(source)], check=True, cwd=ROOT, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        expected: dict[str, int] = {}
        for path in sorted(source.iterdir()):
            for record in parse_file(path).records:
                expected[record.broadcast_date] = expected.get(record.broadcast_date, 0) + 1
        print(f"{len(dates)} days, {sum(expected.values())} parsed rows "
              f"({len(list(source.iterdir()))} files), {os.cpu_count()} CPUs visible")

        solr.delete(q="*:*", commit=True)
        env = fresh_env(work / "range", args.solr_url, source, dates)
        print(f"range run: before, {load_average()}", flush=True)
        cpu, solr_cpu = own_cpu_s(), process_tree_cpu_s(args.solr_pid or 0)
        range_s = run_cli(env, "--partition-range", f"{dates[0]}...{dates[-1]}")
        solr_cpu = process_tree_cpu_s(args.solr_pid or 0) - solr_cpu
        print(f"range run (1 run, {len(dates)} dates): {range_s:.1f} s wall, "
              f"CPU {own_cpu_s() - cpu:.1f} s in the run's process"
              + (f" + {solr_cpu:.1f} s in Solr" if args.solr_pid else " (Solr's apart)") + ", "
              f"after: {load_average()}; {verify(env, solr, expected)}", flush=True)

        solr.delete(q="*:*", commit=True)
        n = len(dates) if args.sample_runs <= 0 else min(args.sample_runs, len(dates))
        step = len(dates) / n
        sample = [dates[int(i * step)] for i in range(n)]
        env = fresh_env(work / "per-date", args.solr_url, source, sample)
        times = [run_cli(env, "--partition", date) for date in sample]
        checked = verify(env, solr, {d: expected[d] for d in sample})
        median = statistics.median(times)
        total = median * len(dates) if n < len(dates) else sum(times)
        how = (f"median of {n} timed runs x {len(dates)}" if n < len(dates)
               else f"sum of {n} runs")
        print(f"one run per date: median {median:.1f} s/run (min {min(times):.1f}, "
              f"max {max(times):.1f}); {len(dates)} runs = {total:.0f} s ({how}); {checked}")
        print(f"ratio per-date runs / range run: {total / range_s:.1f}x "
              f"(range run {range_s:.1f} s, goal on 2 quiet cores < 60 s; {load_average()})")


if __name__ == "__main__":
    main()
