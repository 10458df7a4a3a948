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
after each pass, since this machine is shared; and what a busy host does not inflate as
much: each step's CPU seconds (its materialisations' `step_cpu_seconds`), the CPU seconds
of the benchmark's process tree (runs included) and of the Ollama server (with
`--ollama-state-dir`), and Ollama's own eval and prompt-eval seconds for the drafts
(post_drafts' metadata). Goals (2 quiet cores, warm): the day < 90 s.

    scripts/solr start --port 0 --home /tmp/day-solr    # prints SOLR_URL
    scripts/ollama start --port 11500 --state-dir /tmp/day-ollama   # prints OLLAMA_HOST
    .venv/bin/python benchmarks/day.py --solr-url URL --ollama-host URL \
        --ollama-state-dir /tmp/day-ollama [--date D]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from audience_lab.machine import load_average, own_cpu_s, process_tree_cpu_s

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
JOBS = ("ingestion_chain", "analysis_chain", "daily_pipeline")


def materialisations(instance: Any, run_id: str) -> dict[str, dict[str, float]]:
    """Each asset's numeric metadata in the run (step_cpu_seconds, post_drafts' Ollama
    figures)."""
    import dagster as dg

    out: dict[str, dict[str, float]] = {}
    for record in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records:
        event = record.event_log_entry.asset_materialization
        if event is None:
            continue
        out[event.asset_key.to_user_string()] = {
            k: float(v.value) for k, v in event.metadata.items()
            if isinstance(v.value, int | float) and not isinstance(v.value, bool)}
    return out


def one_pass(label: str, date: str, hot: Path, ollama_pid: int | None) -> float:
    import dagster as dg

    from audience_assets.cli.launch import daily_location, launch, wait
    from audience_assets.ingestion.sensors import step_seconds
    from audience_assets.jobs import date_order_tags

    for path in SAMPLES.glob(f"*{date}*"):
        shutil.copy(path, hot / path.name)
    print(f"{label}: {load_average()}", flush=True)
    total = 0.0
    cpu, ollama_cpu = own_cpu_s(), process_tree_cpu_s(ollama_pid) if ollama_pid else 0.0
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
            metadata = materialisations(instance, done.run_id)
            print("    CPU s per asset: " + ", ".join(
                f"{k} {m.get('step_cpu_seconds', 0):.1f}" for k, m in metadata.items()))
            drafts = metadata.get("post_drafts")
            if drafts:
                print("    post_drafts: {:.0f} model calls for {:.0f} stories, {:.1f} s waiting "
                      "on Ollama; Ollama's own clock: eval {:.1f} s, prompt eval {:.1f} s "
                      "({:.0f} prompt tokens, cached ones included), {:.0f} fallbacks".format(
                          drafts.get("model_calls", 0), drafts.get("dagster/row_count", 0),
                          drafts.get("llm_seconds", 0), drafts.get("ollama_eval_s", 0),
                          drafts.get("ollama_prompt_eval_s", 0),
                          drafts.get("ollama_prompt_tokens", 0), drafts.get("fallbacks", 0)))
            for step, message in done.failures:
                print(f"    {step}: {message[:300]}")
    spent = own_cpu_s() - cpu
    served = (process_tree_cpu_s(ollama_pid) - ollama_cpu) if ollama_pid else 0.0
    print(f"{label}: the day in {total:.1f} s wall; CPU {spent:.1f} s in the runs' processes"
          + (f" + {served:.1f} s in Ollama" if ollama_pid else "")
          + f" ({load_average()})", flush=True)
    return total


def write_posts(path: Path, date: str) -> None:
    """The day's drafts as the desk shows them, read from SQL (the one handoff)."""
    from audience_assets.drafting.store import load_drafts
    from audience_assets.sql.engine import make_engine

    drafts = load_drafts(make_engine(os.environ["AUDIENCE_DB_URL"]), date)
    with path.open("w", encoding="utf-8") as out:
        for d in drafts:
            attempts = [{"text": a.get("text", ""), "valid": a.get("valid"),
                         "rules": sorted({v["rule"] for v in a.get("violations") or []})}
                        for a in d.get("attempts") or []]
            out.write(json.dumps({"sheet_key": d["sheet_key"], "network": d["network"],
                                  "writer": d["writer"], "valid": d["valid"],
                                  "text": d["text"], "attempts": attempts},
                                 ensure_ascii=False) + "\n")
    print(f"{len(drafts)} drafts written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", default="2026-11-16")
    parser.add_argument("--solr-url", required=True)
    parser.add_argument("--ollama-host", required=True)
    parser.add_argument("--site-port", type=int, default=0, help="sample site port (0: free)")
    parser.add_argument("--ollama-state-dir", type=Path,
                        help="scripts/ollama's --state-dir: count the server's CPU seconds")
    parser.add_argument("--posts", type=Path,
                        help="also write the warm pass's drafts here (JSON lines: the post "
                             "as written, its writer, attempts and each attempt's rules)")
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
            ollama_pid = (int((args.ollama_state_dir / "ollama.pid").read_text())
                          if args.ollama_state_dir else None)
            cold = one_pass("cold", args.date, hot, ollama_pid)
            warm = one_pass("warm", args.date, hot, ollama_pid)
            print(f"\nday {args.date}: cold {cold:.1f} s, warm {warm:.1f} s "
                  f"(goal, 2 quiet cores, warm: < 90 s); {os.cpu_count()} CPUs visible")
            if args.posts:
                write_posts(args.posts, args.date)
        finally:
            site.terminate()
            site.wait(timeout=30)


if __name__ == "__main__":
    main()
