"""The analysis stage over a range: ONE run walking the dates in order vs one run per date.

Writes `--days` synthetic days (`audience samples --populations total`), stores them
(`kantar_raw_file`, `audience_records` in one range run; no Solr: history from the SQL
store), then times, with Dagster's own CLI on a fresh instance (the project's dagster.yaml):

- range: ONE `dagster asset materialize --partition-range FIRST...LAST` run of
  minute_audience, audience_anomalies, relevant_broadcasts, post_plan;
- baseline: one `--partition DATE` run of the same assets per date (what a backfill
  without single-run policies launches; the daemon adds its own launch overhead on top).
  `--sample-runs` dates spread over the range are re-run and timed; the median times the
  number of days is printed as an extrapolation, and so is a year at both rates.

The re-run dates' fact sheets must equal the range run's (same rules, same history).

    .venv/bin/python benchmarks/analysis_backfill.py [--days 60] [--sample-runs 5]
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

from audience_assets.analysis.store import load_fact_sheets, load_plan
from audience_assets.sql.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
RECORDS = "kantar_raw_file,audience_records"
ANALYSIS = "minute_audience,audience_anomalies,relevant_broadcasts,post_plan"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_cli(env: dict[str, str], select: str, *partition: str) -> float:
    command = [str(Path(sys.executable).parent / "dagster"), "asset", "materialize",
               "-m", "audience_assets.definitions", "--select", select, *partition]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{select} {' '.join(partition)} failed ({done.returncode}):\n"
                 f"{done.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", default="2025-01-01")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--sample-runs", type=int, default=5)
    args = parser.parse_args()
    start = dt.date.fromisoformat(args.start)
    dates = [(start + dt.timedelta(days=i)).isoformat() for i in range(args.days)]
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as tmp:
        work = Path(tmp)
        source, home, hot = work / "samples", work / "dagster_home", work / "hot"
        subprocess.run([str(Path(sys.executable).parent / "audience"), "samples", "--start",
                        args.start, "--days", str(args.days), "--populations", "total",
                        "--out", str(source)], check=True, cwd=ROOT, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        home.mkdir()
        hot.mkdir()
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        for path in source.iterdir():
            shutil.copy(path, hot / path.name)
        db = f"sqlite:///{work / 'audience.db'}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
               "AUDIENCE_DB_URL": db, "AUDIENCE_HOT_FOLDER": str(hot),
               "AUDIENCE_ARCHIVE_DIR": str(work / "archive"),
               "AUDIENCE_QUARANTINE_DIR": str(work / "quarantine"),
               "AUDIENCE_OUTPUT_DIR": str(work / "out"), "AUDIENCE_SETTLE_SECONDS": "0",
               "AUDIENCE_HISTORY": "sql"}
        span = f"{dates[0]}...{dates[-1]}"
        records_s = run_cli(env, RECORDS, "--partition-range", span)
        print(f"{len(dates)} synthetic days stored in one run: {records_s:.1f} s "
              f"(load {load_average()}; {os.cpu_count()} CPUs visible)")

        range_s = run_cli(env, ANALYSIS, "--partition-range", span)
        engine = make_engine(db)
        sheets = {d: load_fact_sheets(engine, d) for d in dates}
        planned = sum(1 for d in dates if load_plan(engine, d) is not None)
        print(f"range run (1 run, {len(dates)} dates): {range_s:.1f} s = "
              f"{range_s / len(dates):.2f} s/date; {sum(map(len, sheets.values()))} fact "
              f"sheets, {planned} plans (load {load_average()})")

        n = min(args.sample_runs, len(dates))
        step = len(dates) / n
        sample = [dates[int(i * step)] for i in range(n)]
        times = [run_cli(env, ANALYSIS, "--partition", date) for date in sample]
        same = all(load_fact_sheets(engine, d) == sheets[d] for d in sample)
        median = statistics.median(times)
        print(f"one run per date: median {median:.1f} s/run (min {min(times):.1f}, max "
              f"{max(times):.1f}) over {n} re-run dates; fact sheets equal the range run's: "
              f"{same} (load {load_average()})")
        print(f"{len(dates)} dates: range {range_s:.0f} s vs per-date {median * len(dates):.0f} "
              f"s (median x {len(dates)}, extrapolated): {median * len(dates) / range_s:.1f}x")
        year_range = range_s / len(dates) * 365
        print(f"a year, extrapolated linearly from these {len(dates)} days: range run "
              f"{year_range / 60:.1f} min; one run per date {median * 365 / 60:.0f} min "
              "(CLI runs; the daemon adds its launch overhead per run)")
        if not same:
            sys.exit("the per-date runs' fact sheets differ from the range run's")


if __name__ == "__main__":
    main()
