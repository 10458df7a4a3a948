"""Runs in date order, with the real daemon: three dates' files dropped into the hot
folder at once give, per date, an ingestion_chain, an analysis_chain and a daily_pipeline
run, and the analysis steps (relevant_broadcasts) of N-2, N-1 and N run one after the
other in date order, each after its own date's records were stored. The instance settings are the
project's dagster.yaml (the run queue's limits and priorities are the mechanism)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
DATES = ["2026-11-16", "2026-11-17", "2026-11-18"]
DEADLINE_S = 540


def _step_window(instance: dg.DagsterInstance, run_id: str, step: str) -> tuple[float, float]:
    records = instance.get_records_for_run(run_id).records
    times = {r.event_log_entry.dagster_event.event_type_value: r.event_log_entry.timestamp
             for r in records if r.event_log_entry.step_key == step
             and r.event_log_entry.dagster_event is not None}
    return times["STEP_START"], times["STEP_SUCCESS"]


@pytest.mark.slow
@pytest.mark.timeout(DEADLINE_S + 60)
def test_a_three_date_delivery_is_analysed_in_date_order_by_the_daemon(tmp_path: Path) -> None:
    home, hot = tmp_path / "home", tmp_path / "hot"
    home.mkdir()
    hot.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        "load_from:\n  - python_module:\n      module_name: audience_assets_tests.ops.order_defs\n"
        f"      working_directory: {REPO}\n")
    # Newest date first on disk: the order must come from the dates, not the listing.
    # Programme files only: a minutes file also carries the next TV day's first minutes,
    # and its archiving by one date's run changes the next date's file set (a second run
    # of that date, by design of the content keys).
    day_old = time.time() - 86_400
    for date in reversed(DATES):
        name = f"programas_{date}_total.tsv"
        os.utime(shutil.copy(SAMPLES / name, hot / name), (day_old, day_old))
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(REPO),
           "AUDIENCE_HOT_FOLDER": str(hot), "AUDIENCE_SETTLE_SECONDS": "0",
           "AUDIENCE_ARCHIVE_DIR": str(tmp_path / "archive"),
           "AUDIENCE_QUARANTINE_DIR": str(tmp_path / "quarantine"),
           "AUDIENCE_OUTPUT_DIR": str(tmp_path / "out"),
           "AUDIENCE_DB_URL": f"sqlite:///{tmp_path / 'audience.db'}",
           # No Solr here: the analysis reads history from the SQL store (auto mode).
           "SOLR_URL": "http://127.0.0.1:9/solr", "SOLR_CONNECT_TIMEOUT": "0.5"}
    # The instance's storage created once, here, before the daemon and its run workers
    # open it (two processes creating the SQLite tables at once can collide).
    instance = dg.DagsterInstance.from_config(str(home))
    instance.get_runs()
    log = tmp_path / "daemon.log"
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", str(workspace)],
        cwd=tmp_path, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        started = time.monotonic()
        runs: list[dg.DagsterRun] = []
        while time.monotonic() - started < DEADLINE_S and daemon.poll() is None:
            runs = list(instance.get_runs())
            done = [r for r in runs if r.status in (dg.DagsterRunStatus.SUCCESS,
                                                    dg.DagsterRunStatus.FAILURE)]
            if len(runs) == 9 and len(done) == 9:
                break
            if not runs and time.monotonic() - started > 180:
                break  # the sensor requested nothing: the log says why
            time.sleep(3)
        tail = log.read_text(errors="replace")[-3000:]
        assert len(runs) == 9, ([(r.job_name, r.tags.get("dagster/partition"), r.status)
                                 for r in runs], tail)
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs), (
            [(r.job_name, r.tags.get("dagster/partition"), r.status) for r in runs], tail)
        by = {(r.job_name, r.tags["dagster/partition"]): r.run_id for r in runs}
        jobs = ("ingestion_chain", "analysis_chain", "daily_pipeline")
        assert set(by) == {(j, d) for j in jobs for d in DATES}
        analysis = [_step_window(instance, by[("analysis_chain", d)], "relevant_broadcasts")
                    for d in DATES]
        daily = [_step_window(instance, by[("daily_pipeline", d)], "day_done") for d in DATES]
        records = [_step_window(instance, by[("ingestion_chain", d)], "audience_records")
                   for d in DATES]
        for i, date in enumerate(DATES):
            # After its own records and every earlier date's records...
            assert analysis[i][0] >= max(end for _s, end in records[: i + 1]), date
            # ...and after the previous date's analysis and daily run finished.
            if i:
                assert analysis[i][0] >= max(analysis[i - 1][1], daily[i - 1][1]), date
            assert daily[i][0] >= analysis[i][1], date
        order = sorted(DATES, key=lambda d: analysis[DATES.index(d)][0])
        assert order == DATES
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(daemon.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                daemon.wait(timeout=15)
