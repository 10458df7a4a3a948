"""A sample day end to end, cold and warm, per stage, the way operators run it.

One broadcast date of the bundled sample week (`--date`, default 2026-11-16) goes through
`ingestion_chain`, `analysis_chain` and `daily_pipeline`, launched from the daily code
location through the run launcher (audience_assets/cli/launch.py, as `audience run` and
the demo do), on a fresh instance (the project's dagster.yaml), a fresh SQLite store, the
project's Solr and Ollama (bundled model) and the bundled sample press site (images):

- cold: the first runs on the fresh instance, Ollama just started (model not loaded);
- warm: the same date again right after (model loaded, caches warm).

Printed per run: wall seconds (launch to finish) and each step's seconds (the event
log: first start to last success, retries included), with the load average before and
after each pass, since this machine is shared. Goals (2 quiet cores, warm): the day
< 90 s.

    scripts/solr start --port 0 --home /tmp/day-solr    # prints SOLR_URL
    scripts/ollama start --port 0 --state-dir /tmp/day-ollama   # prints OLLAMA_HOST
    .venv/bin/python benchmarks/day.py --solr-url URL --ollama-host URL [--date D]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
JOBS = ("ingestion_chain", "analysis_chain", "daily_pipeline")


def load_average() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def one_pass(label: str, date: str, hot: Path) -> float:
    import dagster as dg

    from audience_assets.cli.launch import daily_location, launch, wait
    from audience_assets.ingestion.sensors import step_seconds
    from audience_assets.jobs import date_order_tags

    for path in SAMPLES.glob(f"*{date}*"):
        shutil.copy(path, hot / path.name)
    print(f"{label}: {load_average()}", flush=True)
    total = 0.0
    with dg.DagsterInstance.get() as instance, daily_location(instance) as workspace:
        for job in JOBS:
            started = time.perf_counter()
            done = wait(instance, launch(instance, workspace, job, {
                "dagster/partition": date, **date_order_tags(date)}))
            seconds = time.perf_counter() - started
            total += seconds
            steps = step_seconds(instance, done.run_id)
            print(f"  {job}: {done.status.value} in {seconds:.1f} s (steps "
                  f"{sum(steps.values()):.1f} s): "
                  + ", ".join(f"{k} {v:.1f}" for k, v in steps.items()), flush=True)
            for step, message in done.failures:
                print(f"    {step}: {message[:300]}")
    print(f"{label}: the day in {total:.1f} s ({load_average()})", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", default="2026-11-16")
    parser.add_argument("--solr-url", required=True)
    parser.add_argument("--ollama-host", required=True)
    parser.add_argument("--site-port", type=int, default=0, help="sample site port (0: free)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-day-") as tmp:
        work = Path(tmp)
        home, hot = work / "dagster_home", work / "hot"
        home.mkdir()
        hot.mkdir()
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        sources = work / "site" / "images.yaml"
        site_log = work / "site.log"
        site = subprocess.Popen(
            [sys.executable, "-m", "audience_lab.sample_site", "--root", str(work / "site"),
             "--port", str(args.site_port), "--sources", str(sources)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=site_log.open("w"), stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 300
            while "sample site on" not in site_log.read_text(errors="replace"):
                if site.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"sample site did not start:\n{site_log.read_text()[-2000:]}")
                time.sleep(1)
            os.environ.update({
                "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
                "AUDIENCE_DB_URL": f"sqlite:///{work / 'audience.db'}",
                "AUDIENCE_HOT_FOLDER": str(hot), "AUDIENCE_ARCHIVE_DIR": str(work / "archive"),
                "AUDIENCE_QUARANTINE_DIR": str(work / "quarantine"),
                "AUDIENCE_OUTPUT_DIR": str(work / "out"), "AUDIENCE_SETTLE_SECONDS": "0",
                "SOLR_URL": args.solr_url, "OLLAMA_HOST": args.ollama_host,
                "AUDIENCE_IMAGES_CONFIG": str(sources), "AUDIENCE_IMAGES_DELAY_S": "0.05",
            })
            os.chdir(ROOT)
            cold = one_pass("cold", args.date, hot)
            warm = one_pass("warm", args.date, hot)
            print(f"\nday {args.date}: cold {cold:.1f} s, warm {warm:.1f} s "
                  f"(goal, 2 quiet cores, warm: < 90 s); {os.cpu_count()} CPUs visible")
        finally:
            site.terminate()
            site.wait(timeout=30)


if __name__ == "__main__":
    main()
