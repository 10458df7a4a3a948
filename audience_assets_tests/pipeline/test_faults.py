"""Faults survived, against the real servers: Solr killed in the middle of a year's
indexing, and two runs of the same date requested at once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pysolr
import pytest
import sqlalchemy as sa

from audience_assets.indexing.assets import solr_audience_index
from audience_assets.indexing.index import solr_counts, sql_counts
from audience_assets.ingestion.kantar import parse_file
from audience_assets.resources.database import DatabaseResource
from audience_assets.resources.solr import SolrResource
from audience_assets_tests.fixtures.solr import SolrServer
from audience_assets_tests.indexing.data import REGIONS, TARGETS, store, synthetic_records

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
YEAR = ("2025-01-01", "2025-12-31")


def _index_year(engine: sa.Engine, url: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [solr_audience_index], raise_on_error=False,
        resources={"solr": SolrResource(url=url, batch_size=100, commit_within_ms=500,
                                        read_timeout=30),
                   "database": DatabaseResource(url=str(engine.url))},
        tags={"dagster/asset_partition_range_start": YEAR[0],
              "dagster/asset_partition_range_end": YEAR[1]})


def test_solr_killed_mid_year_then_restarted_and_the_run_retried_is_exact(
        tmp_path: Path, solr: pysolr.Solr, solr_server: SolrServer) -> None:
    # A year of dates, one target and region each (20 records a day): cheap, yet long
    # enough to be killed half-way.
    year = [r for r in synthetic_records(YEAR[0], 365)
            if (r.target, r.region) == (TARGETS[0], REGIONS[0])]
    engine = store(tmp_path / "audience.db", year)
    expected = sql_counts(engine, *YEAR)
    total = sum(expected.values())
    killed: list[int] = []

    def kill_once_part_indexed() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                seen = solr.search("*:*", rows=0).hits
            except (pysolr.SolrError, OSError):
                return
            if seen >= total // 4:
                pid = int((solr_server.home / "solr.pid").read_text())
                os.kill(pid, signal.SIGKILL)  # the Solr this test session started
                killed.append(seen)
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=kill_once_part_indexed)
    watcher.start()
    try:
        interrupted = _index_year(engine, solr_server.url)
    finally:
        watcher.join()
        assert solr_server.start() == solr_server.url
    assert killed and killed[0] < total, "Solr was not killed mid-run"
    assert not interrupted.success
    assert solr_counts(solr, *YEAR) != expected  # visibly incomplete until the retry

    retried = _index_year(engine, solr_server.url)
    assert retried.success
    (check,) = retried.get_asset_check_evaluations()
    assert check.passed
    assert solr_counts(solr, *YEAR) == expected  # per date: nothing missing, no duplicate
    assert solr.search("*:*", rows=0).hits == total


def _workspace(tmp_path: Path, solr_url: str) -> tuple[dict[str, str], Path]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(json.dumps({"load_from": [{"python_module": {
        "module_name": "audience_assets.definitions", "working_directory": str(ROOT)}}]}))
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home),
        "AUDIENCE_DB_URL": f"sqlite:///{tmp_path / 'audience.db'}",
        "AUDIENCE_HOT_FOLDER": str(tmp_path / "hot"),
        "AUDIENCE_ARCHIVE_DIR": str(tmp_path / "archive"),
        "AUDIENCE_QUARANTINE_DIR": str(tmp_path / "quarantine"),
        "AUDIENCE_OUTPUT_DIR": str(tmp_path / "out"),
        # The daemon also runs hot_folder_sensor (RUNNING by default): files count as
        # settled an hour after it first sees them, so it launches nothing here, while the
        # runs take them at once (their mtime is a day old).
        "AUDIENCE_SETTLE_SECONDS": "3600",
        "SOLR_URL": solr_url,
    })
    return env, workspace


def test_two_runs_of_one_date_requested_at_once_queue_and_equal_one_run(
        tmp_path: Path, solr: pysolr.Solr, solr_server: SolrServer) -> None:
    date = "2026-11-16"
    env, workspace = _workspace(tmp_path, solr_server.url)
    hot = Path(env["AUDIENCE_HOT_FOLDER"])
    hot.mkdir()
    files = sorted(SAMPLES.glob(f"programas_{date}_*"))
    day_old = time.time() - 86_400
    for path in files:
        os.utime(shutil.copy(path, hot / path.name), (day_old, day_old))
    bin_dir = Path(sys.executable).parent
    launch = [str(bin_dir / "dagster"), "job", "launch", "-w", str(workspace),
              "-j", "ingestion_chain", "--tags", json.dumps({"dagster/partition": date})]
    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])  # storage created once
    instance.get_runs()
    # Both requested at once, through the instance's queued run coordinator.
    launches = [subprocess.Popen(launch, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    for p in launches:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0, out
    daemon = subprocess.Popen([str(bin_dir / "dagster-daemon"), "run", "-w", str(workspace)],
                              env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            runs = instance.get_runs()
            if len(runs) == 2 and all(r.is_finished for r in runs):
                break
            time.sleep(2)
    finally:
        daemon.send_signal(signal.SIGINT)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()
    runs = instance.get_runs()
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    records = [instance.get_run_record_by_id(r.run_id) for r in runs]
    spans = sorted((r.start_time, r.end_time) for r in records if r is not None)
    assert len(spans) == 2 and spans[0][1] is not None and spans[1][0] is not None
    assert spans[0][1] <= spans[1][0], "the two runs of one date overlapped"
    # The same result as one run: every record once, in SQL and in Solr.
    expected = sum(len(parse_file(p).records) for p in files)
    engine = sa.create_engine(env["AUDIENCE_DB_URL"])
    assert sql_counts(engine, date, date) == {date: expected}
    assert solr_counts(solr, date, date) == {date: expected}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM deliveries")).scalar() == len(files)
    assert not any(hot.iterdir())
