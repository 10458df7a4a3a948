"""Screenshots of the Dagster UI an operator meets, taken on a fresh instance, with the
facts they show asserted (a picture that lost its fact fails the script):

1. `runs.png`: the runs list holds the runs `audience run` launched for the first date and
   the runs the hot-folder sensor requested for the second, each with its job, its
   partition (broadcast date) and the `audience_assets` code location;
2. `check-partitions.png`: `relevant_broadcasts`' check results, each under its date;
3. `materialize-all.png`: the daily job's graph and its "Materialize all" dialog, which
   offers the job's assets only (never `model_evaluation`, another code location);
4. `sensor-day.png`: the sensor-triggered day's `daily_pipeline` run, ended green, and
   `sensor-day-warning.png` its one warning as the image check shows it, naming what to
   do and for which date (no image sources: defaults used).

Headless Debian chromium through Playwright's executable_path, as the browser tests.
Solr and Ollama are the caller's (scripts/solr start, scripts/ollama start; the Solr core
is emptied first, as for a fresh instance); the drafting
budget is small by default so a loaded host still finishes (the posts left then are the
template's, flagged as fallbacks; `--draft-run-budget 3600` for the project default).

    scripts/screenshots --solr-url URL --ollama-host URL [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CHROMIUM = os.environ.get("AUDIENCE_CHROMIUM") or "/usr/bin/chromium"
FIRST, SECOND = "2026-11-16", "2026-11-17"
JOBS = ("ingestion_chain", "analysis_chain", "daily_pipeline")
MAX_PNG_BYTES = 300_000
LOCATION = "audience_assets"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(work: Path, args: argparse.Namespace, again: bool) -> dict[str, str]:
    home = work / "dagster_home"
    if not again:
        home.mkdir(parents=True)
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        (work / "hot").mkdir()
    return {**os.environ,
            "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
            "AUDIENCE_DB_URL": f"sqlite:///{work / 'audience.db'}",
            "AUDIENCE_HOT_FOLDER": str(work / "hot"),
            "AUDIENCE_ARCHIVE_DIR": str(work / "archive"),
            "AUDIENCE_QUARANTINE_DIR": str(work / "quarantine"),
            "AUDIENCE_OUTPUT_DIR": str(work / "out"), "AUDIENCE_SETTLE_SECONDS": "0",
            "SOLR_URL": args.solr_url, "OLLAMA_HOST": args.ollama_host,
            "AUDIENCE_DRAFT_RUN_BUDGET": str(args.draft_run_budget),
            "AUDIENCE_DRAFT_SHEET_BUDGET": str(min(args.draft_run_budget, 600)),
            "OLLAMA_TIMEOUT": str(min(args.draft_run_budget / 2, 120))}


def say(text: str) -> None:
    print(f"screenshots: {text}", flush=True)


@contextmanager
def dagster_dev(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """The webserver and the daemon (sensors, run queue) on the fresh instance."""
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "dagster"), "dev", "-w", "workspace.yaml",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"dagster dev did not start:\n{log.read_text()[-3000:]}")
                time.sleep(2)
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def runs_of(env: dict[str, str], date: str) -> list[Any]:
    os.environ.update(env)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        runs: list[Any] = list(instance.get_runs(dg.RunsFilter(tags={"dagster/partition": date})))
        return runs


def warnings_of(env: dict[str, str], runs: list[Any]) -> list[str]:
    """The WARNING-or-worse log lines and the failed checks' descriptions of `runs`."""
    os.environ.update(env)
    import dagster as dg

    found = []
    with dg.DagsterInstance.get() as instance:
        for run in runs:
            for record in instance.get_records_for_run(run.run_id).records:
                entry, event = record.event_log_entry, record.event_log_entry.dagster_event
                if event is not None and event.event_type_value == "ASSET_CHECK_EVALUATION":
                    check: Any = event.event_specific_data
                    if not check.passed:
                        found.append(f"check {check.check_name}: {check.description}")
                elif (entry.level if isinstance(entry.level, int)
                      else logging.getLevelName(entry.level)) >= logging.WARNING:
                    found.append(f"{run.job_name} {entry.step_key}: {entry.user_message}")
    return found


def wait_for_day(env: dict[str, str], date: str, timeout_s: float) -> list[Any]:
    """The date's three runs once its daily_pipeline run has finished."""
    os.environ.update(env)
    import dagster as dg

    deadline = time.monotonic() + timeout_s
    with dg.DagsterInstance.get() as instance:
        while True:
            runs = instance.get_runs(dg.RunsFilter(tags={"dagster/partition": date}))
            daily = [r for r in runs if r.job_name == "daily_pipeline"]
            if daily and daily[0].is_finished:
                return list(runs)
            if time.monotonic() > deadline:
                sys.exit(f"{date}: the day did not finish in {timeout_s:.0f} s: "
                         + ", ".join(f"{r.job_name} {r.status.value}" for r in runs))
            time.sleep(5)


def shoot(page: Any, path: Path) -> None:
    page.screenshot(path=str(path), full_page=False)
    size = path.stat().st_size
    if size > MAX_PNG_BYTES:
        sys.exit(f"{path.name}: {size} bytes, over {MAX_PNG_BYTES}")
    say(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({size // 1000} KB)")


def links(page: Any) -> list[str]:
    return [str(h) for h in page.eval_on_selector_all(
        "a", "els => els.map(e => e.getAttribute('href'))") if h]


def settle(page: Any, text: str, timeout_ms: int = 90_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout_ms)
    page.wait_for_timeout(1500)  # the UI fills its tables in a second pass


def take(url: str, out: Path, cli_runs: list[Any], sensor_runs: list[Any]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        try:
            # 1. The runs list: each run's job and partition; who launched it.
            page.goto(f"{url}/runs")
            settle(page, "daily_pipeline")
            text = page.inner_text("body")
            for job in JOBS:
                assert text.count(job) >= 2, f"runs list: {job} not listed for both dates"
            assert f"partition: {FIRST}" in text and f"partition: {SECOND}" in text, \
                "runs list: partitions not shown"
            assert "hot_folder_sensor" in text
            shoot(page, out / "runs.png")
            # ... and each run's code location: its job links into the location.
            for run in (*cli_runs, *sensor_runs):
                page.goto(f"{url}/runs/{run.run_id}")
                settle(page, run.job_name)
                assert any(f"/locations/{LOCATION}/jobs/{run.job_name}" in link
                           for link in links(page)), \
                    f"{run.job_name} {run.tags.get('dagster/partition')}: no code location"

            # 2. Check results under their partitions.
            page.goto(f"{url}/assets/relevant_broadcasts?view=checks"
                      "&checkDetail=figures_equal_records")
            settle(page, "figures_equal_records")
            page.get_by_text("Execution history").first.click()
            settle(page, SECOND)
            text = page.inner_text("body")
            assert FIRST in text and SECOND in text, "check results: no partition shown"
            shoot(page, out / "check-partitions.png")

            # 3. "Materialize all" in the daily job: its assets, never model_evaluation.
            page.goto(f"{url}/locations/{LOCATION}/jobs/daily_pipeline")
            settle(page, "Materialize all")
            page.get_by_text("Materialize all").first.click()
            page.wait_for_timeout(5000)
            dialog = page.inner_text("body")
            assert "model_evaluation" not in dialog, "daily selection offers model_evaluation"
            assert "post_drafts" in dialog or "Launch" in dialog, "no launch dialog"
            shoot(page, out / "materialize-all.png")
            page.keyboard.press("Escape")

            # 4. The sensor's day: green, in its code location, its warnings named.
            daily = next(r for r in sensor_runs if r.job_name == "daily_pipeline")
            page.goto(f"{url}/runs/{daily.run_id}")
            settle(page, "Success")
            shoot(page, out / "sensor-day.png")
            # ... and its one warning, as the asset's check shows it: what to do, which date.
            page.goto(f"{url}/assets/image_candidates?view=checks"
                      "&checkDetail=every_pending_post_has_a_candidate")
            settle(page, "Execution history")
            page.get_by_text("Execution history").first.click()
            settle(page, SECOND)
            text = page.inner_text("body")
            say("   the check's page reads: " + " | ".join(
                line for line in text.splitlines() if SECOND in line or "materialise" in line))
            assert "no image sources configured" in text and SECOND in text, "warning unclear"
            shoot(page, out / "sensor-day-warning.png")
        except AssertionError:
            say(f"failed on {page.url}; the page read:\n{page.inner_text('body')[:3000]}\n"
                f"links: {links(page)}")
            raise
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solr-url", required=True)
    parser.add_argument("--ollama-host", required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--draft-run-budget", type=float, default=120.0,
                        help="seconds of drafting per run (the template writes the rest)")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds each day may take")
    parser.add_argument("--work", type=Path,
                        help="keep the instance and store here; when it holds them already, "
                        "only the screenshots are taken again")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ui-screenshots-") as tmp:
        work = args.work or Path(tmp)
        again = (work / "dagster_home").is_dir()
        env = environment(work, args, again)
        if not again:
            # A fresh index too: documents of an earlier instance would make the analysis
            # read its history from SQL, with a warning.
            import pysolr

            pysolr.Solr(args.solr_url, timeout=60).delete(q="*:*", commit=True)
            say(f"1/3 `audience run --from {FIRST} --deliver data/samples` (as the demo)")
            started = time.perf_counter()
            subprocess.run([str(ROOT / ".venv" / "bin" / "audience"), "run", "--from", FIRST,
                            "--deliver", str(SAMPLES)], cwd=ROOT, env=env, check=True)
            say(f"   {time.perf_counter() - started:.0f} s")
        with dagster_dev(env, free_port(), work / "dagster-dev.log") as url:
            if not again:
                say(f"2/3 {SECOND}'s files into the hot folder; the sensor runs the day ({url})")
                started = time.perf_counter()
                for path in SAMPLES.glob(f"*{SECOND}*"):
                    shutil.copy(path, work / "hot" / path.name)
            runs = wait_for_day(env, SECOND, args.timeout)
            if not again:
                say(f"   {time.perf_counter() - started:.0f} s: "
                    + ", ".join(f"{r.job_name} {r.status.value}" for r in runs))
            assert all(r.tags.get("dagster/sensor_name") == "hot_folder_sensor" for r in runs)
            assert all(r.status.value == "SUCCESS" for r in runs), "the sensor's day is not green"
            # Green, or one warning (its log line and its check) that says what to do, for
            # which date.
            warnings = warnings_of(env, runs)
            say("   warnings: " + ("; ".join(warnings) or "none"))
            assert len(warnings) <= 2, "more than one warning"
            assert all(SECOND in w or "see the check" in w for w in warnings), \
                "a warning names no date or action"
            say("3/3 screenshots")
            take(url, args.out, runs_of(env, FIRST), runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
